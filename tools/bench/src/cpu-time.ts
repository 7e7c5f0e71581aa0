/** CPU time this process has used (user + system), in µs: the cost of the work, whatever else ran on the machine meanwhile. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
