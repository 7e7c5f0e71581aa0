// Finds the fenced `ts`, `js` and `sh` blocks of the READMEs and the markers written above them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The languages that are run; any other fence (text, json, yaml...) is documentation only. */
export const LANGUAGES = ['ts', 'js', 'sh'];

/** The READMEs whose blocks are run: the root one, then each package's and each app's. */
export function readmeFiles(root) {
  const inGroup = (group) =>
    readdirSync(join(root, group))
      .map((name) => join(group, name, 'README.md'))
      .filter((file) => existsSync(join(root, file)))
      .sort();
  return ['README.md', ...inGroup('packages'), ...inGroup('apps')];
}

/**
 * The blocks of one README, each `{ file, line, lang, code, markers }`. `line` is the fence's line (1-based);
 * `markers` are the HTML comment lines directly above it, as `{ kind, value }` (`<!-- needs: aps -->` is
 * `{ kind: 'needs', value: 'aps' }`; `<!-- continues -->` is `{ kind: 'continues', value: '' }`). A continuation also
 * has `base` and `program`, or `continuationError` (see continueBlock).
 */
export function extractBlocks(root, file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = index + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    if (LANGUAGES.includes(lang)) {
      const code = lines
        .slice(index + 1, end)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n');
      blocks.push({ file, line: index + 1, lang, code: `${code}\n`, markers: markersAbove(lines, index) });
    }
    index = end;
  }
  for (const block of blocks) continueBlock(block, blocks);
  return blocks;
}

/**
 * A block marked `<!-- continues -->` is the rest of the nearest block above it (same language, not marked as not
 * run, not itself a continuation): it gets `base` (that block) and `program`, the one program a reader ends up with,
 * the fragment appended to it (ES modules hoist its imports), or with `continues: before TEXT` inserted before the
 * base's first line starting with TEXT, or with `continues: instead of TEXT` in place of that line. What cannot be
 * combined gets `continuationError` instead.
 */
function continueBlock(block, blocks) {
  const marker = block.markers.find((candidate) => candidate.kind === 'continues');
  if (marker === undefined) return;
  const base = blocks.findLast(
    (other) => other.line < block.line && other.lang === block.lang && !other.markers.some((m) => ['continues', 'needs', 'not-runnable'].includes(m.kind)),
  );
  if (base === undefined) {
    block.continuationError = `no ${block.lang} block above it to continue (one that is run and is not itself a continuation)`;
    return;
  }
  block.base = base;
  const where = /^(before|instead of)\s+(.+)$/.exec(marker.value);
  if (marker.value !== '' && where === null) {
    block.continuationError = `\`continues: ${marker.value}\`: expected nothing, \`before TEXT\` or \`instead of TEXT\``;
    return;
  }
  const lines = base.code.trimEnd().split('\n');
  const at = where ? lines.findIndex((line) => line.trimStart().startsWith(where[2])) : lines.length;
  if (at === -1) {
    block.continuationError = `the block it continues (line ${base.line}) has no line starting with \`${where[2]}\``;
    return;
  }
  const fragment = block.code.trimEnd().split('\n');
  lines.splice(at, where?.[1] === 'instead of' ? 1 : 0, ...fragment);
  block.program = `${lines.join('\n')}\n`;
}

// The markers of a block are the HTML comment lines of the paragraph right above its fence (blank lines between
// are allowed), so that a marker can sit on top of the sentence that says the same thing to readers.
function markersAbove(lines, fenceIndex) {
  let index = fenceIndex - 1;
  while (index >= 0 && lines[index].trim() === '') index--;
  const markers = [];
  for (; index >= 0 && lines[index].trim() !== '' && !/^\s*(`{3,}|~{3,}|#)/.test(lines[index]); index--) {
    const comment = /^\s*<!--\s*([\w-]+)(?::\s*(.*?))?\s*-->\s*$/.exec(lines[index]);
    if (comment) markers.unshift({ kind: comment[1], value: comment[2] ?? '' });
  }
  return markers;
}
