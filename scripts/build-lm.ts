/**
 * Fetches the CMU Sphinx US English trigram model from the Debian package `pocketsphinx-en-us` and copies
 * `en-us.lm.bin` unchanged to `data/en-us.lm.bin`; writes its licence block into `data/NOTICE`.
 *
 * Run: `npx tsx scripts/build-lm.ts [--deb path/to/pocketsphinx-en-us_*.deb]`
 *
 * Without `--deb` the package is fetched with `apt-get download` into a temporary folder (after an
 * `apt-get update` only when the first download fails). Needs `apt-get` and `dpkg` (Debian or Ubuntu).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '../src/data.js';
import { loadSphinxModel } from '../src/lm/sphinx.js';

const PACKAGE = 'pocketsphinx-en-us';
const MODEL_IN_PACKAGE = 'usr/share/pocketsphinx/model/en-us/en-us.lm.bin';
const COPYRIGHT_IN_PACKAGE = `usr/share/doc/${PACKAGE}/copyright`;
const MODEL_FILE = 'en-us.lm.bin';
const NOTICE_HEADING = `## ${MODEL_FILE}`;

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Download the package's .deb into `dir`; returns its path. */
function downloadDeb(dir: string): string {
  try {
    run('apt-get', ['download', PACKAGE], dir);
  } catch {
    console.log('apt-get download failed; running apt-get update and retrying');
    run('apt-get', ['update']);
    run('apt-get', ['download', PACKAGE], dir);
  }
  const deb = readdirSync(dir).find((f) => f.startsWith(`${PACKAGE}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download left no ${PACKAGE}_*.deb in ${dir}`);
  return join(dir, deb);
}

interface DebianCopyright {
  /** `Upstream-Name` and `Source` of the header stanza. */
  upstream: string;
  source: string;
  holders: string[];
  licenceName: string;
  licenceText: string;
}

/**
 * The `Files: *` stanza of a machine-readable debian/copyright file: its copyright holders and the full
 * text of its licence (continuation lines unindented, ` .` lines turned into blank lines).
 */
function parseCopyright(text: string): DebianCopyright {
  const stanza = text.split(/\n\s*\n/).find((s) => /^Files:\s*\*\s*$/m.test(s));
  if (!stanza) throw new Error('no "Files: *" stanza in the copyright file');
  const fields = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stanza.split('\n')) {
    const field = /^([A-Za-z-]+):\s?(.*)$/.exec(line);
    if (field && !line.startsWith(' ')) {
      current = [field[2]];
      fields.set(field[1], current);
    } else if (current && line.startsWith(' ')) {
      current.push(line.slice(1) === '.' ? '' : line.slice(1).trimEnd());
    }
  }
  const copyright = fields.get('Copyright');
  const licence = fields.get('License');
  if (!copyright || !licence || licence.length < 2)
    throw new Error('copyright stanza lacks Copyright or License');
  const header = (name: string): string =>
    new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1].trim() ?? '?';
  return {
    upstream: header('Upstream-Name'),
    source: header('Source'),
    holders: copyright.map((l) => l.trim()).filter(Boolean),
    licenceName: licence[0].trim(),
    licenceText: licence.slice(1).join('\n').trimEnd(),
  };
}

/** Replace (or append) this file's self-contained block in data/NOTICE, keeping every other section. */
function writeNotice(noticePath: string, block: string): void {
  const old = existsSync(noticePath) ? readFileSync(noticePath, 'utf8') : '';
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === NOTICE_HEADING);
  let next: string;
  if (start < 0) {
    next = old.trim() === '' ? `${block}\n` : `${old.trimEnd()}\n\n${block}\n`;
  } else {
    let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = [before, block, after].filter(Boolean).join('\n\n') + '\n';
  }
  writeFileSync(noticePath, next);
}

function main(): void {
  const debArg = process.argv.indexOf('--deb');
  const work = mkdtempSync(join(tmpdir(), 'unspin-lm-'));
  try {
    const deb = debArg >= 0 ? process.argv[debArg + 1] : downloadDeb(work);
    if (!deb || !existsSync(deb)) throw new Error(`no such .deb: ${deb}`);
    const name = run('dpkg-deb', ['-f', deb, 'Package']).trim();
    const version = run('dpkg-deb', ['-f', deb, 'Version']).trim();
    if (name !== PACKAGE) throw new Error(`${deb} is package ${name}, expected ${PACKAGE}`);
    const root = join(work, 'root');
    mkdirSync(root);
    run('dpkg', ['-x', deb, root]);

    const target = dataPath(MODEL_FILE);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(root, MODEL_IN_PACKAGE), target);
    const bytes = readFileSync(target);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const model = loadSphinxModel(target); // fails loudly if the package ever ships another format
    console.log(`${PACKAGE} ${version}: ${MODEL_IN_PACKAGE} -> ${target}`);
    console.log(
      `${bytes.length} bytes, ${model.vocabSize} words, ${model.bigramCount} bigrams, ${model.trigramCount} trigrams`,
    );
    console.log(`sha256 ${sha256}`);

    const copyright = parseCopyright(readFileSync(join(root, COPYRIGHT_IN_PACKAGE), 'utf8'));
    const block = [
      NOTICE_HEADING,
      '',
      `CMU Sphinx generic US English trigram language model, copied unchanged from`,
      `/${MODEL_IN_PACKAGE} in the Debian package ${PACKAGE}, version ${version}`,
      `(upstream: ${copyright.upstream}, ${copyright.source}).`,
      `sha256 ${sha256}`,
      '',
      'Copyright:',
      ...copyright.holders.map((h) => `  ${h}`),
      '',
      `License: ${copyright.licenceName}`,
      '',
      copyright.licenceText,
    ].join('\n');
    const noticePath = dataPath('NOTICE');
    writeNotice(noticePath, block);
    console.log(`wrote the ${NOTICE_HEADING} section of ${noticePath}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
