// unspin's page: check a text through POST /api/check, show the findings, let the reader accept
// suggestions, and show, copy or download the restored text and the JSON result. No dependencies, no
// requests to anything but this server.

const $ = (id) => document.getElementById(id);

const els = {
  form: $('check-form'),
  text: $('text'),
  file: $('file'),
  sensitivity: $('sensitivity'),
  check: $('check'),
  status: $('status'),
  keyRow: $('key-row'),
  apiKey: $('api-key'),
  results: $('results'),
  verdict: $('verdict'),
  marked: $('marked'),
  restored: $('restored'),
  restoredHint: $('restored-hint'),
  popover: $('popover'),
  popoverTitle: $('popover-title'),
  popoverConfidence: $('popover-confidence'),
  suggestions: $('suggestions'),
  keep: $('keep'),
  popoverClose: $('popover-close'),
};

/** The text that was checked, the API's answer, and the suggestion chosen per finding (index → k). */
const state = { text: '', result: null, choices: new Map(), name: 'text', open: -1, busy: false };

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Same breakpoint as app.css. */
const NARROW = window.matchMedia('(max-width: 40rem)');

const pct = (x) => `${Math.round(x * 100)}%`;

function setStatus(message, isError = false) {
  els.status.textContent = message;
  els.status.classList.toggle('error', isError);
}

function confidenceClass(c) {
  if (c >= 0.9) return 'conf-3';
  if (c >= 0.7) return 'conf-2';
  return 'conf-1';
}

function confidenceWord(c) {
  if (c >= 0.9) return 'near certain';
  if (c >= 0.7) return 'likely';
  return 'possible';
}

/** Findings in text order (the API already sends them so; sorting keeps the page safe if not). */
function findings() {
  return state.result ? state.result.findings : [];
}

/** The checked text with every chosen suggestion put in, applied right to left so offsets hold. */
function restoredText() {
  let out = state.text;
  const chosen = [...state.choices.entries()].sort((a, b) => findings()[b[0]].start - findings()[a[0]].start);
  for (const [i, k] of chosen) {
    const f = findings()[i];
    out = out.slice(0, f.start) + f.suggestions[k].text + out.slice(f.end);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Checking

async function check() {
  const text = els.text.value;
  if (!/\S/.test(text)) {
    setStatus('Paste or type a text first.', true);
    els.text.focus();
    return;
  }
  if (state.busy) return;
  state.busy = true;
  els.check.disabled = true;
  setStatus('Checking…');
  const headers = { 'content-type': 'application/json' };
  if (els.apiKey.value) headers['x-api-key'] = els.apiKey.value;
  try {
    const response = await fetch('api/check', {
      method: 'POST',
      headers,
      body: JSON.stringify({ text, options: { minConfidence: Number(els.sensitivity.value) } }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body?.error?.message ?? `the server answered ${response.status}`;
      if (response.status === 401) {
        els.keyRow.hidden = false;
        els.apiKey.focus();
        setStatus(`This server needs an API key: ${message}.`, true);
      } else {
        setStatus(`Could not check the text: ${message}.`, true);
      }
      return;
    }
    state.text = text;
    state.result = body;
    state.choices = new Map();
    render();
    const n = body.findings.length;
    setStatus(
      `Checked ${body.words} words: ${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'}`}.`,
    );
  } catch {
    setStatus('Could not reach the server. Is unspin serve still running?', true);
  } finally {
    state.busy = false;
    els.check.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Rendering

function render() {
  closePopover(false);
  els.results.hidden = false;
  renderVerdict();
  renderMarked();
  renderRestored();
}

function renderVerdict() {
  const r = state.result;
  els.verdict.replaceChildren();
  const badge = document.createElement('span');
  badge.className = `badge ${r.verdict}`;
  badge.textContent = r.verdict;
  const score = document.createElement('span');
  score.textContent = `spin score ${pct(r.score)}`;
  const meter = document.createElement('meter');
  meter.min = 0;
  meter.max = 1;
  meter.low = 0.5;
  meter.high = 0.9;
  meter.optimum = 0;
  meter.value = r.score;
  meter.setAttribute('aria-label', `spin score ${pct(r.score)}`);
  const counts = document.createElement('span');
  const n = r.findings.length;
  counts.textContent = `${r.words} words · ${n} finding${n === 1 ? '' : 's'}`;
  els.verdict.append(badge, score, meter, counts);
}

function findingButton(f, i) {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.index = String(i);
  button.setAttribute('aria-haspopup', 'dialog');
  button.setAttribute('aria-expanded', 'false');
  const k = state.choices.get(i);
  if (k === undefined) {
    button.className = `finding ${confidenceClass(f.confidence)}`;
    button.textContent = f.text;
    button.setAttribute(
      'aria-label',
      `${f.text}: ${confidenceWord(f.confidence)} spun, ${pct(f.confidence)}; ${f.suggestions.length} suggestions`,
    );
  } else {
    button.className = 'finding accepted';
    button.textContent = f.suggestions[k].text;
    button.setAttribute('aria-label', `${f.suggestions[k].text}: accepted, was ${f.text}`);
  }
  button.title = `${pct(f.confidence)} likely spun`;
  return button;
}

function renderMarked() {
  const frag = document.createDocumentFragment();
  const fs = findings();
  let at = 0;
  fs.forEach((f, i) => {
    if (f.start < at) return; // overlapping findings are not expected; never garble the text
    // Punctuation right after a phrase stays on its line (a button is an unbreakable box).
    const limit = i + 1 < fs.length ? fs[i + 1].start : state.text.length;
    const glue = /^[^\s]*/.exec(state.text.slice(f.end, limit))[0];
    const unit = document.createElement('span');
    unit.className = 'nobreak';
    unit.append(findingButton(f, i), glue);
    frag.append(state.text.slice(at, f.start), unit);
    at = f.end + glue.length;
  });
  frag.append(state.text.slice(at));
  els.marked.replaceChildren(frag);
}

function renderRestored() {
  const frag = document.createDocumentFragment();
  let at = 0;
  const fs = findings();
  fs.forEach((f, i) => {
    const k = state.choices.get(i);
    if (k === undefined || f.start < at) return;
    const del = document.createElement('del');
    del.textContent = f.text;
    const ins = document.createElement('ins');
    ins.textContent = f.suggestions[k].text;
    frag.append(state.text.slice(at, f.start), del, ins);
    at = f.end;
  });
  frag.append(state.text.slice(at));
  els.restored.replaceChildren(frag);
  const accepted = state.choices.size;
  els.restoredHint.textContent =
    accepted === 0
      ? 'No suggestion accepted yet: the restored text is the text as checked.'
      : `${accepted} of ${fs.length} suggestion${fs.length === 1 ? '' : 's'} accepted; removed words are struck through, restored words marked.`;
}

// ---------------------------------------------------------------------------------------------------
// Suggestions pop-over

function findingButtonAt(i) {
  return els.marked.querySelector(`button[data-index="${i}"]`);
}

function openPopover(i) {
  const f = findings()[i];
  const button = findingButtonAt(i);
  if (!f || !button) return;
  closePopover(false);
  state.open = i;
  button.setAttribute('aria-expanded', 'true');
  els.popoverTitle.textContent = `“${f.text}”`;
  els.popoverConfidence.textContent = `${pct(f.confidence)} likely spun (${f.kind ?? 'thesaurus'}). Suggested originals:`;
  const chosen = state.choices.get(i);
  els.suggestions.replaceChildren(
    ...f.suggestions.map((s, k) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `suggestion${chosen === k ? ' chosen' : ''}`;
      b.dataset.k = String(k);
      b.setAttribute('aria-label', `Use “${s.text}”, probability ${pct(s.probability)}`);
      const word = document.createElement('strong');
      word.textContent = s.text;
      const prob = document.createElement('span');
      prob.textContent = pct(s.probability);
      const meter = document.createElement('meter');
      meter.min = 0;
      meter.max = 1;
      meter.value = s.probability;
      meter.setAttribute('aria-hidden', 'true');
      b.append(word, prob, meter);
      li.append(b);
      return li;
    }),
  );
  els.keep.textContent = chosen === undefined ? 'Keep the text as it is' : `Undo: put “${f.text}” back`;
  els.popover.hidden = false;
  // Under the phrase, kept inside the result panel; phones get a bottom sheet from the CSS instead.
  if (NARROW.matches) {
    els.popover.style.top = '';
    els.popover.style.left = '';
  } else {
    placePopover(button);
  }
  (els.suggestions.querySelector('button') ?? els.keep).focus();
}

function placePopover(button) {
  const box = els.results.getBoundingClientRect();
  const r = button.getBoundingClientRect();
  const width = els.popover.offsetWidth;
  els.popover.style.top = `${r.bottom - box.top + 6}px`;
  els.popover.style.left = `${Math.max(8, Math.min(r.left - box.left, box.width - width - 8))}px`;
}

function closePopover(returnFocus) {
  if (state.open < 0) return;
  const i = state.open;
  state.open = -1;
  els.popover.hidden = true;
  const button = findingButtonAt(i);
  if (button) {
    button.setAttribute('aria-expanded', 'false');
    if (returnFocus) button.focus();
  }
}

/** Re-render after a change and put the focus back on the same finding. */
function afterChange(i, message) {
  closePopover(false);
  renderMarked();
  renderRestored();
  findingButtonAt(i)?.focus();
  setStatus(message);
}

function accept(i, k) {
  const f = findings()[i];
  state.choices.set(i, k);
  afterChange(i, `Replaced “${f.text}” with “${f.suggestions[k].text}”.`);
}

function keep(i) {
  const f = findings()[i];
  state.choices.delete(i);
  afterChange(i, `Kept “${f.text}”.`);
}

// ---------------------------------------------------------------------------------------------------
// Copy and download

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API unavailable (plain http on another host): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) {
      setStatus(`Could not copy the ${what}; use the download button instead.`, true);
      return;
    }
  }
  setStatus(`Copied the ${what}.`);
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  setStatus(`Downloaded ${name}.`);
}

const jsonResult = () => `${JSON.stringify(state.result, null, 2)}\n`;

// ---------------------------------------------------------------------------------------------------
// Files

async function loadFile(file) {
  if (!file) return;
  const textLike = file.type === '' || file.type.startsWith('text/') || /\.(txt|md|text)$/i.test(file.name);
  if (!textLike) {
    setStatus(`${file.name} is not a plain-text file; save it as .txt first.`, true);
    return;
  }
  if (file.size > MAX_FILE_BYTES) {
    setStatus(`${file.name} is larger than 2 MB; check it with the unspin command line instead.`, true);
    return;
  }
  els.text.value = await file.text();
  state.name = file.name.replace(/\.[^.]+$/, '') || 'text';
  await check();
}

// ---------------------------------------------------------------------------------------------------
// Events

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  void check();
});

els.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void check();
  }
});

// A paste is the usual way in: check right away.
els.text.addEventListener('paste', () => {
  setTimeout(() => void check(), 0);
});

els.text.addEventListener('input', () => {
  if (state.result && els.text.value !== state.text)
    setStatus('The text changed since the last check: press Check again.');
});

els.text.addEventListener('dragover', (e) => {
  if (e.dataTransfer?.types.includes('Files')) {
    e.preventDefault();
    els.text.classList.add('dragging');
  }
});
els.text.addEventListener('dragleave', () => els.text.classList.remove('dragging'));
els.text.addEventListener('drop', (e) => {
  els.text.classList.remove('dragging');
  const file = e.dataTransfer?.files?.[0];
  if (!file) return;
  e.preventDefault();
  void loadFile(file);
});

els.file.addEventListener('change', () => {
  void loadFile(els.file.files?.[0]);
  els.file.value = '';
});

els.marked.addEventListener('click', (e) => {
  const button = e.target.closest('button.finding');
  if (!button) return;
  const i = Number(button.dataset.index);
  if (state.open === i) closePopover(true);
  else openPopover(i);
});

els.suggestions.addEventListener('click', (e) => {
  const b = e.target.closest('button.suggestion');
  if (b && state.open >= 0) accept(state.open, Number(b.dataset.k));
});

els.keep.addEventListener('click', () => {
  if (state.open >= 0) keep(state.open);
});
els.popoverClose.addEventListener('click', () => closePopover(true));

els.popover.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.preventDefault();
    closePopover(true);
    return;
  }
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    const items = [...els.popover.querySelectorAll('button.suggestion'), els.keep];
    const at = items.indexOf(document.activeElement);
    if (at < 0) return;
    e.preventDefault();
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.open >= 0) closePopover(true);
});

document.addEventListener('click', (e) => {
  if (state.open < 0) return;
  if (els.popover.contains(e.target) || e.target.closest?.('button.finding')) return;
  closePopover(false);
});

els.marked.addEventListener('scroll', () => closePopover(false));

$('accept-all').addEventListener('click', () => {
  findings().forEach((f, i) => {
    if (f.suggestions.length > 0) state.choices.set(i, 0);
  });
  renderMarked();
  renderRestored();
  const n = state.choices.size;
  setStatus(n === 1 ? 'Accepted the top suggestion.' : `Accepted the top suggestion for all ${n} findings.`);
});

$('undo-all').addEventListener('click', () => {
  state.choices.clear();
  renderMarked();
  renderRestored();
  setStatus('All suggestions undone.');
});

$('copy-text').addEventListener('click', () => void copy(restoredText(), 'restored text'));
$('download-text').addEventListener('click', () =>
  download(`${state.name}-restored.txt`, restoredText(), 'text/plain;charset=utf-8'),
);
$('copy-json').addEventListener('click', () => void copy(jsonResult(), 'JSON result'));
$('download-json').addEventListener('click', () =>
  download(`${state.name}-unspin.json`, jsonResult(), 'application/json'),
);
