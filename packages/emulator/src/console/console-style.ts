/** The console's stylesheet: system fonts only, light and dark, one column below 1000 px. */
export const CONSOLE_CSS = `:root {
  --bg: #f3f5f8; --panel: #fff; --border: #e1e5ea; --line: #edf0f3; --text: #18202b; --muted: #5d6877; --subtle: #f6f8fa;
  --accent: #1f5fbf; --accent-bg: #e9f0fc; --accent-fg: #fff;
  --ok: #127a4c; --ok-bg: #e5f4ec; --bad: #b42318; --bad-bg: #fdeeec; --warn: #935a00; --warn-bg: #fff3dc; --skip: #8b95a3;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --radius: 10px;
  --shadow: 0 1px 2px rgba(16, 24, 40, .05), 0 1px 3px rgba(16, 24, 40, .04);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1319; --panel: #151b23; --border: #263140; --line: #1e2733; --text: #e5eaf0; --muted: #9aa5b4; --subtle: #1a212b;
    --accent: #6d9eff; --accent-bg: #1a2741; --accent-fg: #0b1220;
    --ok: #4cc38a; --ok-bg: #132a20; --bad: #ff7b72; --bad-bg: #301817; --warn: #f0b35a; --warn-bg: #2d2312; --skip: #6c7787;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 var(--sans); }
h1, h2, h3, p { margin: 0; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.mono { font-family: var(--mono); font-size: 12px; }
.muted { color: var(--muted); }

button, input, select { font: inherit; color: inherit; }
button {
  border: 1px solid var(--border); background: var(--panel); border-radius: 7px; padding: 5px 11px;
  font-weight: 550; cursor: pointer; line-height: 1.3;
}
button:hover { border-color: var(--accent); color: var(--accent); }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button:disabled { opacity: .55; cursor: progress; }
input[type=number], select {
  border: 1px solid var(--border); border-radius: 7px; padding: 5px 8px; background: var(--panel); min-width: 0;
}
input[type=number] { width: 96px; font-variant-numeric: tabular-nums; }

.topbar {
  position: sticky; top: 0; z-index: 10; display: flex; align-items: center; justify-content: space-between; gap: 12px;
  padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--border);
}
.brand { display: flex; align-items: center; gap: 10px; min-width: 0; }
.brand img { flex: none; }
.brand-text { min-width: 0; }
h1 { font-size: 16px; font-weight: 650; letter-spacing: -.01em; }
.sub { color: var(--muted); font: 12px var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.top-right { display: flex; align-items: center; gap: 10px; min-width: 0; }
.settings-summary { display: flex; gap: 6px; list-style: none; margin: 0; padding: 0; }
.settings-summary li { font-size: 12px; color: var(--muted); background: var(--subtle); border: 1px solid var(--border); border-radius: 999px; padding: 2px 9px; white-space: nowrap; }
.settings-summary li.changed { color: var(--warn); background: var(--warn-bg); border-color: transparent; }
.conn { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); white-space: nowrap; }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--skip); }
.conn[data-state=live]::before { background: var(--ok); box-shadow: 0 0 0 3px var(--ok-bg); }
.conn[data-state=paused]::before { background: var(--warn); }
.conn[data-state=offline] { color: var(--bad); }
.conn[data-state=offline]::before { background: var(--bad); }

.layout {
  display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 16px; align-items: start;
  max-width: 1600px; margin: 0 auto; padding: 16px 20px;
}
.side { display: grid; gap: 16px; position: sticky; top: 68px; max-height: calc(100vh - 84px); overflow: auto; padding-bottom: 2px; }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 14px 16px; min-width: 0; }
.panel h2 { font-size: 12px; font-weight: 650; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); margin-bottom: 10px; }
.panel h3 { font-size: 12px; font-weight: 650; color: var(--muted); }
.hint { font-size: 12px; color: var(--muted); margin-top: 4px; }
.none { color: var(--muted); font-size: 13px; }
.msg { font-size: 12.5px; margin-top: 8px; color: var(--muted); }
.msg:empty { margin: 0; }
.msg.error { color: var(--bad); }
.msg.done { color: var(--ok); }

.log-panel { padding: 0; overflow: hidden; }
.panel-head { display: flex; align-items: center; justify-content: space-between; gap: 10px; flex-wrap: wrap; padding: 10px 16px; border-bottom: 1px solid var(--border); }
.panel-head h2 { margin: 0; }
.count { font-weight: 500; text-transform: none; letter-spacing: 0; }
.tools { display: flex; gap: 6px; flex-wrap: wrap; }
.empty { padding: 28px 20px 32px; color: var(--muted); text-align: center; }
.empty pre { display: inline-block; text-align: left; margin: 10px 0; padding: 8px 12px; background: var(--subtle); border: 1px solid var(--border); border-radius: 7px; color: var(--text); white-space: pre-wrap; overflow-wrap: anywhere; }

.log[data-filter=exchanges] .entry:not([data-kind=exchange]),
.log[data-filter=resources] .entry:not([data-kind=resource]),
.log[data-filter=failures] .entry:not(.bad):not(.fault) { display: none; }
.entry { border-bottom: 1px solid var(--line); border-left: 3px solid transparent; }
.entry.ok { border-left-color: var(--ok); }
.entry.bad { border-left-color: var(--bad); }
.entry.fault { border-left-color: var(--warn); }
.entry-head {
  display: grid; grid-template-columns: 92px minmax(0, 200px) 64px minmax(0, 1fr) auto; column-gap: 12px; row-gap: 3px;
  align-items: baseline; width: 100%; padding: 8px 16px 8px 13px; border: 0; border-radius: 0; background: none;
  text-align: left; font-weight: 400; color: var(--text);
}
.entry-head:hover { background: var(--subtle); color: var(--text); }
.entry-head:focus-visible { outline-offset: -2px; }
.entry.open > .entry-head { background: var(--subtle); }
.time { font: 12px var(--mono); color: var(--muted); font-variant-numeric: tabular-nums; }
.endpoint { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.code { font: 600 12px var(--mono); }
.ok .code { color: var(--ok); }
.bad .code { color: var(--bad); }
.fault .code { color: var(--warn); }
.outcome { justify-self: start; }
.pill { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px; background: var(--subtle); border: 1px solid var(--border); white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.ok .outcome { color: var(--ok); background: var(--ok-bg); border-color: transparent; }
.bad .outcome { color: var(--bad); background: var(--bad-bg); border-color: transparent; }
.fault .outcome { color: var(--warn); background: var(--warn-bg); border-color: transparent; }
.client { font: 12px var(--mono); color: var(--muted); white-space: nowrap; }
.summary { grid-column: 2 / -1; font-size: 13px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bad .summary { color: var(--bad); }
.summary b { font-weight: 650; }

.entry-body { display: grid; gap: 14px; padding: 6px 16px 18px 13px; }
.entry-body h3 { margin-bottom: 6px; }
.verdict { font-size: 13.5px; font-weight: 550; }
.verdict code { font-size: 12.5px; padding: 0 4px; border-radius: 4px; background: var(--bad-bg); }
.verdict.fail { color: var(--bad); }
.verdict.pass { color: var(--ok); }
.aps-said { font-size: 12.5px; color: var(--muted); margin-top: 2px; }
.rules { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 8px; overflow: hidden; }
.rule { display: grid; grid-template-columns: 20px 128px minmax(0, 1fr); column-gap: 8px; padding: 6px 10px; align-items: baseline; font-size: 13px; }
.rule + .rule { border-top: 1px solid var(--line); }
.rule .icon { font-weight: 700; text-align: center; }
.rule.pass .icon { color: var(--ok); }
.rule.pass .rule-detail { color: var(--muted); }
.rule.skip { color: var(--skip); }
.rule.fail { background: var(--bad-bg); }
.rule.fail .icon, .rule.fail .rule-name { color: var(--bad); }
.rule.fail .rule-detail { font-weight: 550; }
.rule-name { font: 600 12px var(--mono); }
.rule-detail { overflow-wrap: anywhere; }
.fix { grid-column: 2 / -1; margin-top: 6px; padding: 7px 10px; background: var(--panel); border: 1px solid var(--bad); border-radius: 6px; color: var(--text); overflow-wrap: anywhere; }
.fix b { color: var(--bad); }
.cols { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
.kv { width: 100%; border-collapse: collapse; font-size: 12.5px; border: 1px solid var(--border); border-radius: 8px; }
.kv th, .kv td { padding: 5px 9px; vertical-align: top; text-align: left; }
.kv tr + tr > * { border-top: 1px solid var(--line); }
.kv th { font: 600 12px var(--mono); color: var(--muted); white-space: nowrap; width: 1%; }
.kv td { font: 12px var(--mono); overflow-wrap: anywhere; word-break: break-word; }
.kv .note { display: block; font-family: var(--sans); color: var(--muted); }

.fault-target { display: flex; align-items: center; flex-wrap: wrap; gap: 6px; font-size: 13px; margin-bottom: 10px; }
.fault-target input { width: 64px; }
.fault-target select { flex: 1 1 150px; }
.fault-buttons { display: grid; grid-template-columns: repeat(auto-fill, minmax(84px, 1fr)); gap: 6px; }
.fault { display: flex; flex-direction: column; align-items: flex-start; gap: 0; padding: 5px 7px; text-align: left; min-width: 0; }
.fault-label, .fault-note { max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.fault-label { font-weight: 650; font-size: 13px; }
.fault-note { font-size: 11px; font-weight: 400; color: var(--muted); line-height: 1.3; }
.pending-head { display: flex; align-items: center; justify-content: space-between; margin: 12px 0 6px; }
.pending { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.pending li:not(.none) { display: flex; justify-content: space-between; gap: 8px; font-size: 13px; padding: 6px 10px; border-radius: 7px; background: var(--warn-bg); color: var(--warn); }

.setting { display: grid; grid-template-columns: minmax(0, 1fr) auto; align-items: center; gap: 4px 12px; padding: 9px 0; border-top: 1px solid var(--line); }
.setting:first-of-type { border-top: 0; padding-top: 0; }
.setting label { font-size: 13px; font-weight: 600; }
.setting .hint { margin-top: 0; }
.field { display: flex; align-items: center; gap: 6px; }
.field input[type=number] { width: 80px; }
.unit { font-size: 12px; color: var(--muted); min-width: 26px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; padding-bottom: 9px; }
.chips button { font-size: 12px; padding: 3px 9px; border-radius: 999px; }

.tokens { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.token { border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; display: grid; gap: 4px; font-size: 12.5px; min-width: 0; }
.token-top { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
.token .jti { font: 600 12px var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.left { font-size: 12px; font-variant-numeric: tabular-nums; white-space: nowrap; color: var(--ok); }
.left.soon { color: var(--warn); }
.left.gone { color: var(--muted); }
.token.dead { opacity: .65; }
.scopes { display: flex; flex-wrap: wrap; gap: 4px; }
.scope { font: 11.5px var(--mono); padding: 0 6px; border-radius: 5px; background: var(--accent-bg); color: var(--accent); }

.state { display: grid; gap: 10px; }
.app { border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; display: grid; gap: 8px; }
/* Grid items default to their content's width: long ids must shrink (ellipsis) instead of widening the panel. */
.state, .app, .account, .tokens, .token, .keys, .entry-body { grid-template-columns: minmax(0, 1fr); }
.app-head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; }
.app-name { font-weight: 650; }
.account { border-left: 2px solid var(--border); padding-left: 10px; display: grid; gap: 4px; font-size: 12.5px; }
.account-head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; }
.account-name { font-weight: 600; overflow-wrap: anywhere; }
.keys { list-style: none; margin: 2px 0 0; padding: 0; display: grid; gap: 3px; }
.keys li { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
.keys .mono { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { font-size: 11px; font-weight: 650; letter-spacing: .03em; padding: 0 7px; border-radius: 999px; white-space: nowrap; background: var(--subtle); color: var(--muted); border: 1px solid var(--border); }
.badge.ENABLED { background: var(--ok-bg); color: var(--ok); border-color: transparent; }
.badge.DISABLED { background: var(--warn-bg); color: var(--warn); border-color: transparent; }
.badge.DEACTIVATED { background: var(--bad-bg); color: var(--bad); border-color: transparent; }
.badge.seed { background: var(--accent-bg); color: var(--accent); border-color: transparent; }

.footer { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 6px 16px; max-width: 1600px; margin: 0 auto; padding: 4px 20px 24px; font-size: 12px; color: var(--muted); }

@media (max-width: 1000px) {
  .layout { grid-template-columns: minmax(0, 1fr); padding: 12px; gap: 12px; }
  .side { position: static; max-height: none; overflow: visible; gap: 12px; }
  .settings-summary { display: none; }
}
@media (max-width: 640px) {
  .topbar { padding: 8px 12px; }
  .sub { max-width: 60vw; }
  .entry-head { grid-template-columns: auto minmax(0, 1fr) auto; padding: 8px 12px 8px 9px; }
  .entry-head .outcome { grid-column: 2; }
  .entry-head .client { grid-column: 3; }
  .summary { grid-column: 1 / -1; white-space: normal; overflow-wrap: anywhere; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3; }
  .panel-head .tools { width: 100%; }
  .panel-head select { flex: 1; }
  .entry-body { padding: 4px 12px 16px 9px; }
  .cols { grid-template-columns: minmax(0, 1fr); }
  .rule { grid-template-columns: 18px minmax(0, 1fr); padding: 5px 8px; font-size: 12.5px; }
  .rule-detail { grid-column: 2; }
  .fix { grid-column: 1 / -1; }
  .footer { padding: 4px 12px 20px; }
}
`;
