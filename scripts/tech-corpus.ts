/**
 * Builds the technical-English corpus from Debian documentation packages (a development-time data build,
 * not run in CI): each package is fetched with `apt-get download` into `.cache/debian/`, unpacked with
 * `dpkg-deb -x`, and its documentation (Sphinx reStructuredText sources, HTML, Info) turned into prose
 * paragraphs; paragraphs are deduplicated across packages by a hash of their letters.
 *
 * Writes `.cache/tech-corpus/train.txt` and `.cache/tech-corpus/heldout.txt` (one paragraph per line,
 * a blank line between paragraphs so that no sentence runs across two) and the manifest
 * `data/tech-corpus.manifest.tsv` (package, version, field, split, licence, files, paragraphs, words).
 * Held-out packages are never used for training: the benchmark measures false findings on them.
 *
 * Run: `npx tsx scripts/tech-corpus.ts [--only pkg,pkg] [--out DIR]` (DIR default .cache/tech-corpus);
 * `--licences` only re-reads the licences into the existing manifest.
 */
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../src/data.js';
import { loadDefaultModel } from '../src/lm/index.js';
import { docFiles, fetchDeb, packageLicence, readDoc, unpackDeb } from './lib/debian-docs.js';
import {
  countProseWords,
  dedupe,
  htmlParagraphs,
  type IsWord,
  infoParagraphs,
  isProse,
  rstParagraphs,
} from './lib/prose.js';

export const CACHE_DIR = '.cache';
export const CORPUS_DIR = join(CACHE_DIR, 'tech-corpus');
export const TRAIN_FILE = join(CORPUS_DIR, 'train.txt');
export const HELDOUT_FILE = join(CORPUS_DIR, 'heldout.txt');
export const MANIFEST_FILE = 'tech-corpus.manifest.tsv';

export type Split = 'train' | 'heldout';

export interface CorpusPackage {
  name: string;
  field: string;
  split: Split;
}

const P = (name: string, field: string, split: Split = 'train'): CorpusPackage => ({ name, field, split });

/**
 * The packages, by field. Chosen from `apt-cache search -- -doc` for English prose (user guides,
 * tutorials, narrative API docs), all from Debian main (DFSG-free). One package per field is held out.
 * Not used: API-only references (Doxygen, Javadoc) and PDF-only manuals (no text extractor here).
 */
export const PACKAGES: readonly CorpusPackage[] = [
  P('linux-doc-6.1', 'computing'),
  P('python3.11-doc', 'computing'),
  P('postgresql-doc-15', 'computing'),
  P('git-doc', 'computing'),
  P('debian-reference-en', 'computing'),
  P('debian-handbook', 'computing'),
  P('bash-doc', 'computing'),
  P('python-sqlalchemy-doc', 'computing'),
  P('python-django-doc', 'computing'),
  P('python-hypothesis-doc', 'computing'),
  P('snakemake-doc', 'computing'),
  P('apache2-doc', 'computing'),
  P('sphinx-doc', 'computing'),
  P('libvirt-doc', 'computing'),
  P('debian-policy', 'computing'),
  P('developers-reference', 'computing'),
  P('python-tables-doc', 'computing', 'heldout'),
  P('python-sklearn-doc', 'statistics-ml'),
  P('python-scipy-doc', 'statistics-ml'),
  P('python-statsmodels-doc', 'statistics-ml'),
  P('python-pandas-doc', 'statistics-ml'),
  P('r-doc-info', 'statistics-ml'),
  P('r-doc-html', 'statistics-ml'),
  P('python-patsy-doc', 'statistics-ml'),
  P('python-lmfit-doc', 'statistics-ml'),
  P('python-xarray-doc', 'statistics-ml'),
  P('python-dask-doc', 'statistics-ml'),
  P('numba-doc', 'statistics-ml'),
  P('weka-doc', 'statistics-ml'),
  P('python-dtcwt-doc', 'signal-processing'),
  P('python-skimage-doc', 'signal-processing'),
  P('octave-doc', 'signal-processing'),
  P('gnuplot-doc', 'signal-processing'),
  P('python-nitime-doc', 'signal-processing'),
  P('python-pywt-doc', 'signal-processing', 'heldout'),
  P('python-sympy-doc', 'mathematics'),
  P('python-mpmath-doc', 'mathematics'),
  P('maxima-doc', 'mathematics'),
  P('sagemath-doc', 'mathematics'),
  P('python-cvxopt-doc', 'mathematics', 'heldout'),
  P('python-astropy-doc', 'physics-chemistry'),
  P('python-ase-doc', 'physics-chemistry'),
  P('python-pymatgen-doc', 'physics-chemistry'),
  P('rdkit-doc', 'physics-chemistry'),
  P('python-mdanalysis-doc', 'physics-chemistry'),
  P('python-pint-doc', 'physics-chemistry'),
  P('python-pyfai-doc', 'physics-chemistry'),
  P('python-silx-doc', 'physics-chemistry'),
  P('python-astroquery-doc', 'physics-chemistry'),
  P('python-qutip-doc', 'physics-chemistry', 'heldout'),
  P('python-astroplan-doc', 'physics-chemistry', 'heldout'),
  P('python-biopython-doc', 'biology-medicine'),
  P('python-cogent-doc', 'biology-medicine'),
  P('python-nibabel-doc', 'biology-medicine'),
  P('python-dipy-doc', 'biology-medicine'),
  P('python-nipype-doc', 'biology-medicine'),
  P('python-pydicom-doc', 'biology-medicine'),
  P('bedops-doc', 'biology-medicine'),
  P('python-pybedtools-doc', 'biology-medicine'),
  P('python-nipy-doc', 'biology-medicine'),
  P('python-skbio-doc', 'biology-medicine', 'heldout'),
  P('python-sfepy-doc', 'engineering'),
  P('python-escript-doc', 'engineering'),
  P('python-ezdxf-doc', 'engineering'),
  P('python-fluids-doc', 'engineering'),
  P('grass-doc', 'engineering'),
  P('python-pyresample-doc', 'engineering'),
];

export interface ManifestRow {
  package: string;
  version: string;
  field: string;
  split: Split;
  licence: string;
  files: number;
  paragraphs: number;
  words: number;
}

export const MANIFEST_HEADER = 'package\tversion\tfield\tsplit\tlicence\tfiles\tparagraphs\twords';

/** Prose paragraphs of one documentation file. */
function extract(path: string, kind: 'rst' | 'html' | 'info', isWord: IsWord): string[] {
  let text: string;
  try {
    text = readDoc(path);
  } catch {
    return [];
  }
  if (text.includes('\u0000')) return [];
  const paras =
    kind === 'rst'
      ? rstParagraphs(text, isWord)
      : kind === 'html'
        ? htmlParagraphs(text, isWord)
        : infoParagraphs(text, isWord);
  return paras.filter((p) => isProse(p, isWord));
}

/** Re-read each package's licence into the existing manifest (after a change to the licence reader). */
function refreshLicences(): void {
  const path = dataPath(MANIFEST_FILE);
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const debDir = join(CACHE_DIR, 'debian');
  const out = rows.map((line) => {
    const cols = line.split('\t');
    const info = fetchDeb(cols[0], debDir);
    cols[4] = packageLicence(unpackDeb(info, debDir), cols[0]);
    return cols.join('\t');
  });
  writeFileSync(path, `${header}\n${out.join('\n')}\n`);
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--licences')) {
    refreshLicences();
    return;
  }
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : undefined;
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : CORPUS_DIR;
  const lm = loadDefaultModel();
  const isWord: IsWord = (w) => lm.id(w) >= 0;
  const debDir = join(CACHE_DIR, 'debian');
  mkdirSync(outDir, { recursive: true });
  const outputs = {
    train: createWriteStream(join(outDir, 'train.txt')),
    heldout: createWriteStream(join(outDir, 'heldout.txt')),
  };
  const seen = new Set<string>();
  const rows: ManifestRow[] = [];
  // Training packages first, so a paragraph shared with a held-out package stays out of the held-out text.
  const ordered = [...PACKAGES].sort((a, b) => (a.split === b.split ? 0 : a.split === 'train' ? -1 : 1));
  for (const pkg of ordered) {
    if (only && !only.has(pkg.name)) continue;
    const t0 = Date.now();
    const info = fetchDeb(pkg.name, debDir);
    const root = unpackDeb(info, debDir);
    const licence = packageLicence(root, pkg.name);
    const files = docFiles(root);
    let paragraphs = 0;
    let words = 0;
    const out = outputs[pkg.split];
    for (const f of files) {
      for (const p of dedupe(extract(f.path, f.kind, isWord), seen)) {
        out.write(`${p}\n\n`);
        paragraphs++;
        words += countProseWords(p);
      }
    }
    rows.push({
      package: pkg.name,
      version: info.version,
      ...pick(pkg),
      licence,
      files: files.length,
      paragraphs,
      words,
    });
    process.stderr.write(
      `${pkg.name} ${info.version} [${pkg.split}] ${licence}: ${files.length} files, ${paragraphs} paragraphs, ${words} words (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  }
  outputs.train.end();
  outputs.heldout.end();
  const lines = rows.map((r) =>
    [r.package, r.version, r.field, r.split, r.licence, r.files, r.paragraphs, r.words].join('\t'),
  );
  writeFileSync(dataPath(MANIFEST_FILE), `${MANIFEST_HEADER}\n${lines.join('\n')}\n`);
  const total = (s: Split) => rows.filter((r) => r.split === s).reduce((a, r) => a + r.words, 0);
  process.stderr.write(`train: ${total('train')} words; held out: ${total('heldout')} words\n`);
}

function pick(p: CorpusPackage): { field: string; split: Split } {
  return { field: p.field, split: p.split };
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) main();
