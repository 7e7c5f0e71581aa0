import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBlocks } from '../blocks.mjs';
import { planOf } from '../run.mjs';
import { softHsmMissing } from '../softhsm.mjs';

// How the markers are read: which block a continuation continues, the program it makes, how it is run.
const dir = mkdtempSync(join(tmpdir(), 'readme-blocks-markers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function blocksOf(markdown: string) {
  writeFileSync(join(dir, 'README.md'), markdown);
  return extractBlocks(dir, 'README.md');
}

const fence = '```';
const app = `<!-- run: serve /me -->\n${fence}ts\nconst app = make();\nawait app.listen(port);\n${fence}\n`;

describe('<!-- continues -->', () => {
  it('appends the block to the nearest run block above it of its language, not to a marked block or another continuation', () => {
    const blocks = blocksOf(
      `${app}\n${fence}sh\necho other language\n${fence}\n\n<!-- not-runnable: fragment (a type) -->\n${fence}ts\ninterface A {}\n${fence}\n\n` +
        `<!-- continues -->\n${fence}ts\nfirst();\n${fence}\n\nText.\n<!-- continues -->\n\n${fence}ts\nsecond();\n${fence}\n`,
    );
    const [base, , , first, second] = blocks;
    expect(first.base).toBe(base);
    expect(first.program).toBe('const app = make();\nawait app.listen(port);\nfirst();\n');
    expect(second.base).toBe(base);
    expect(second.program).toBe('const app = make();\nawait app.listen(port);\nsecond();\n');
    expect(base.program).toBeUndefined();
  });

  it('inserts before, or instead of, the first line starting with the given text', () => {
    const [, before, instead] = blocksOf(
      `${app}\n<!-- continues: before await app.listen -->\n${fence}ts\napp.get('/a');\n${fence}\n\n` +
        `<!-- continues: instead of await app.listen -->\n${fence}ts\nconst server = await app.listen(port);\nclose(server);\n${fence}\n`,
    );
    expect(before.program).toBe("const app = make();\napp.get('/a');\nawait app.listen(port);\n");
    expect(instead.program).toBe('const app = make();\nconst server = await app.listen(port);\nclose(server);\n');
  });

  it('says what is wrong when there is nothing to continue, or no such line', () => {
    const [alone] = blocksOf(`<!-- continues -->\n${fence}ts\nfirst();\n${fence}\n`);
    expect(alone.continuationError).toMatch(/no ts block above it to continue/);
    const [, missing, unknown] = blocksOf(
      `${app}\n<!-- continues: before app.close -->\n${fence}ts\nx();\n${fence}\n\n<!-- continues: after app.listen -->\n${fence}ts\ny();\n${fence}\n`,
    );
    expect(missing.continuationError).toMatch(/has no line starting with `app.close`/);
    expect(unknown.continuationError).toMatch(/expected nothing, `before TEXT` or `instead of TEXT`/);
  });

  it('is run as the block it continues, unless it has a run marker of its own (sigterm, aps down)', () => {
    const [, inherited, own, stopped, down] = blocksOf(
      `${app}\n<!-- continues -->\n${fence}ts\na();\n${fence}\n\n<!-- continues -->\n<!-- run: serve /profile -->\n${fence}ts\nb();\n${fence}\n\n` +
        `<!-- continues -->\n<!-- run: serve /me, sigterm -->\n${fence}ts\nc();\n${fence}\n\n<!-- continues -->\n<!-- run: serve /me, aps down -->\n${fence}ts\nd();\n${fence}\n`,
    );
    expect(planOf(inherited)).toEqual({ mode: 'serve', path: '/me', sigterm: false, apsDown: false });
    expect(planOf(own)).toEqual({ mode: 'serve', path: '/profile', sigterm: false, apsDown: false });
    expect(planOf(stopped)).toEqual({ mode: 'serve', path: '/me', sigterm: true, apsDown: false });
    expect(planOf(down)).toEqual({ mode: 'serve', path: '/me', sigterm: false, apsDown: true });
  });
});

describe('<!-- run: softhsm2 -->', () => {
  it('asks for a token of that label, or is skipped with the reason where SoftHSM2 is missing (outside CI)', () => {
    const [empty, token] = blocksOf(`<!-- run: softhsm2 -->\n${fence}sh\ntrue\n${fence}\n\n<!-- run: softhsm2 token aps -->\n${fence}sh\ntrue\n${fence}\n`);
    if (softHsmMissing() && process.env.CI !== 'true') {
      expect(planOf(token)).toMatchObject({ mode: 'skip', reason: expect.stringContaining('apt-get install softhsm2') });
      return;
    }
    expect(planOf(empty)).toEqual({ mode: 'run', softhsm: { token: undefined } });
    expect(planOf(token)).toEqual({ mode: 'run', softhsm: { token: 'aps' } });
  });
});
