import { describe, expect, it } from 'vitest';
import { EmulatorOptionError } from '../errors.js';
import { startInterceptProxy, type InterceptProxyOptions } from './intercept-proxy.js';

describe('startInterceptProxy options', () => {
  it.each([
    [{ targt: 'http://127.0.0.1:1' }, 'Unknown intercept proxy option: `targt`. Did you mean `target`? Known: target, log.'],
    [{ target: 'https://developer.api.autodesk.com' }, "`target` must be the emulator's URL (`emulator.url`, http://HOST:PORT), got \"https://developer.api.autodesk.com\"."],
    [{}, "`target` must be the emulator's URL (`emulator.url`, http://HOST:PORT), got undefined."],
    [{ target: 'http://127.0.0.1:1', log: 'stdout' }, '`log` must be a function, got string.'],
  ])('%j is refused before anything starts', async (options, message) => {
    const failure = await startInterceptProxy(options as unknown as InterceptProxyOptions).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EmulatorOptionError);
    expect(failure).toMatchObject({ code: 'ERR_EMULATOR_OPTION', message });
  });
});
