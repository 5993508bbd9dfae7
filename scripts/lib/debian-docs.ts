/**
 * Debian documentation packages as corpus input: fetch a package's .deb with `apt-get download` (no
 * install) into a cache, unpack it with `dpkg-deb -x`, read its licence from the copyright file, and list
 * the documentation files worth reading (Sphinx sources, HTML pages, Info manuals, reStructuredText).
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** What the deb's control file says about the package. */
export interface DebInfo {
  package: string;
  version: string;
  deb: string;
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
}

/** The cached .deb of `pkg` in `cacheDir`, downloaded first when missing. */
export function fetchDeb(pkg: string, cacheDir: string): DebInfo {
  mkdirSync(cacheDir, { recursive: true });
  const find = () => readdirSync(cacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  let file = find();
  if (!file) {
    run('apt-get', ['download', pkg], cacheDir);
    file = find();
    if (!file) throw new Error(`apt-get download ${pkg} left no .deb in ${cacheDir}`);
  }
  const deb = join(cacheDir, file);
  const version = run('dpkg-deb', ['--field', deb, 'Version']).trim();
  return { package: pkg, version, deb };
}

/** Unpack a .deb once into `<cacheDir>/x/<package>` (an existing, complete unpack is reused). */
export function unpackDeb(info: DebInfo, cacheDir: string): string {
  const root = join(cacheDir, 'x', info.package);
  const stamp = join(root, '.unpacked');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === info.version) return root;
  const tmp = `${root}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('dpkg-deb', ['-x', info.deb, tmp]);
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  writeFileSync(stamp, info.version);
  return root;
}

/**
 * The licence of a package's documentation from its copyright file: the `Files: *` stanza of a
 * machine-readable file, else the licence names the free-form text mentions.
 */
export function packageLicence(root: string, pkg: string): string {
  const dir = join(root, 'usr/share/doc', pkg);
  let path = join(dir, 'copyright');
  if (!existsSync(path)) {
    // Some doc packages link their doc folder to the library's: find any copyright file.
    const any = listFiles(join(root, 'usr/share/doc')).find((f) => basename(f) === 'copyright');
    if (!any) return 'unknown (no copyright file)';
    path = any;
  }
  const text = readFileSync(path, 'utf8');
  const stanzas = text.split(/\n\s*\n/);
  for (const s of stanzas) {
    if (/^Files:\s*\*\s*$/m.test(s)) {
      const lic = /^License:\s*(.+)$/m.exec(s);
      if (lic) return lic[1].trim();
    }
  }
  // A "License: NAME" line, machine-readable or not (a line of prose after "License:" is no name).
  const first = /^License:[ \t]*([\w.+-]+(?: (?:or|and) [\w.+-]+)*)[ \t]*$/m.exec(text);
  if (first) return first[1];
  // Free-form copyright file: the first licence it names, most specific first.
  const patterns: Array<[RegExp, string]> = [
    [/Python Software Foundation License|PSF License/i, 'PSF-2.0'],
    [/GNU Free Documentation License/i, 'GFDL'],
    [/Lesser General Public License|LGPL/i, 'LGPL'],
    [/GNU General Public License[^.]*version 2|\bGPL-?2/i, 'GPL-2+'],
    [/GNU General Public License[^.]*version 3|\bGPL-?3/i, 'GPL-3+'],
    [/Apache License/i, 'Apache-2.0'],
    [/MIT License|Expat/i, 'Expat'],
    [/BSD/i, 'BSD'],
    [/public domain/i, 'public-domain'],
  ];
  for (const [re, name] of patterns) if (re.test(text)) return name;
  return 'see copyright file';
}

/** Every regular file under `dir`, recursively (symbolic links are not followed). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** How a documentation file is read. */
export type DocKind = 'rst' | 'html' | 'info';

export interface DocFile {
  path: string;
  kind: DocKind;
}

/** Folders that hold code, assets or generated indexes, never prose. */
const SKIP_DIR =
  /\/(_modules|_static|_images|_downloads|_sphinx_design_static|static|images|examples?|genindex|search|_autosummary_templates|js|css|fonts)\//;
const SKIP_FILE =
  /^(genindex|search|py-modindex|modindex|objects|changelog|copyright|NEWS|searchindex)([.-]|$)/i;
/** Folders of translations: the corpus is English. */
const LANG_DIR = /\/(de|fr|es|it|ja|ko|pt|pt_BR|ru|tr|zh|zh_CN|zh_TW|ca|hu|nl|pl|sv|cs|el|ar)\//;

/**
 * The documentation files of an unpacked package. Sphinx pages are read from their reStructuredText
 * source (`_sources/`) unless that source only pulls in API docstrings (`.. auto…::`), in which case the
 * rendered page carries the prose; pages without a source are read as HTML; Info manuals and plain
 * `.rst` files as themselves.
 */
export function docFiles(root: string): DocFile[] {
  const files = listFiles(join(root, 'usr/share')).filter(
    (f) => !LANG_DIR.test(f) && !/\/(man|locale|lintian|doc-base|applications)\//.test(f),
  );
  const sources = new Map<string, string>();
  for (const f of files) {
    const m = /^(.*)\/_sources\/(.*?)(\.rst)?\.txt$/.exec(f) ?? /^(.*)\/_sources\/(.*?)\.(rst|md)$/.exec(f);
    if (m) sources.set(`${m[1]}/${m[2]}`, f);
  }
  const out: DocFile[] = [];
  const rstPages = new Set<string>();
  for (const [page, src] of sources) {
    if (/\.\.\s+auto\w*::/.test(readDoc(src))) continue;
    out.push({ path: src, kind: 'rst' });
    rstPages.add(page);
  }
  for (const f of files) {
    const rel = `/${relative(root, f)}`;
    if (f.includes('/_sources/') || SKIP_DIR.test(rel)) continue;
    const name = basename(f);
    if (SKIP_FILE.test(name)) continue;
    if (/\.html?(\.gz)?$/.test(name)) {
      const page = join(dirname(f), name.replace(/\.html?(\.gz)?$/, ''));
      if (!rstPages.has(page)) out.push({ path: f, kind: 'html' });
    } else if (/\.info(-\d+)?(\.gz)?$/.test(name)) out.push({ path: f, kind: 'info' });
    else if (/\.rst(\.gz)?$/.test(name)) out.push({ path: f, kind: 'rst' });
  }
  return out;
}

/** A documentation file's text (gunzipped when it ends in .gz); invalid UTF-8 is replaced. */
export function readDoc(path: string): string {
  let buf = readFileSync(path);
  if (path.endsWith('.gz')) buf = gunzipSync(buf);
  return buf.toString('utf8');
}

/** Size of a file in bytes (0 when it cannot be read). */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
