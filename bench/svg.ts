/** A tiny SVG writer for the benchmark report: line charts and overlaid histograms, no dependencies. */

export interface Series {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
  color?: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  /** Draw a point marker at each point (useful for short series). */
  markers?: boolean;
  /** Draw the x axis on a log10 scale. */
  logX?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

/** Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * span; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

/** The smallest round number (1, 2 or 5 times a power of ten) at or above x. */
function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].map((m) => m * mag).find((v) => v >= x - 1e-12) ?? 10 * mag) as number;
}

interface Frame {
  svg: string[];
  px(x: number): number;
  py(y: number): number;
}

function frame(o: ChartOptions, xMin: number, xMax: number, yMin: number, yMax: number): Frame {
  const W = o.width ?? 600;
  const H = o.height ?? 320;
  const L = 56;
  /** The legend sits in the right margin, outside the plot. */
  const R = 170;
  const T = 32;
  const B = 44;
  const tx = (x: number) => (o.logX ? Math.log10(Math.max(x, 1e-12)) : x);
  const x0 = tx(xMin);
  const x1 = tx(xMax);
  const px = (x: number) => L + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number) => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const svg: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(o.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  ];
  const xt = o.logX
    ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 10 ** (Math.ceil(x0) + i))
    : ticks(xMin, xMax);
  for (const t of xt) {
    const x = px(t).toFixed(1);
    svg.push(`<line x1="${x}" y1="${H - B}" x2="${x}" y2="${H - B + 4}" stroke="black"/>`);
    const label =
      o.logX && t >= 1e6 ? `${fmt(t / 1e6)}M` : o.logX && t >= 1000 ? `${fmt(t / 1000)}k` : fmt(t);
    svg.push(`<text x="${x}" y="${H - B + 16}" text-anchor="middle">${label}</text>`);
  }
  for (const t of ticks(yMin, yMax)) {
    const y = py(t).toFixed(1);
    svg.push(`<line x1="${L - 4}" y1="${y}" x2="${L}" y2="${y}" stroke="black"/>`);
    svg.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#eee"/>`);
    svg.push(`<text x="${L - 6}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  return { svg, px, py };
}

function legend(f: Frame, names: ReadonlyArray<{ name: string; color: string }>, o: ChartOptions): void {
  const W = o.width ?? 600;
  names.forEach((s, i) => {
    const y = 44 + i * 16;
    f.svg.push(`<rect x="${W - 160}" y="${y - 9}" width="10" height="10" fill="${s.color}"/>`);
    f.svg.push(`<text x="${W - 145}" y="${y}">${esc(s.name)}</text>`);
  });
}

/** Line chart of one or more series. */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xMin = o.xMin ?? Math.min(...pts.map((p) => p.x), 0);
  const xMax = o.xMax ?? Math.max(...pts.map((p) => p.x), 1);
  const yMin = o.yMin ?? Math.min(...pts.map((p) => p.y), 0);
  const yMax = o.yMax ?? niceCeil(Math.max(...pts.map((p) => p.y), 0));
  const f = frame(o, xMin, xMax, yMin, yMax);
  const named = series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  for (const s of named) {
    const ok = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (ok.length === 0) continue;
    const d = ok.map((p, i) => `${i ? 'L' : 'M'}${f.px(p.x).toFixed(1)} ${f.py(p.y).toFixed(1)}`).join(' ');
    f.svg.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    if (o.markers) {
      for (const p of ok) {
        f.svg.push(
          `<circle cx="${f.px(p.x).toFixed(1)}" cy="${f.py(p.y).toFixed(1)}" r="2.5" fill="${s.color}"/>`,
        );
      }
    }
  }
  legend(f, named, o);
  f.svg.push('</svg>');
  return `${f.svg.join('\n')}\n`;
}

/**
 * Overlaid histograms (outlined step bars) of several samples over the same bins; heights are shares of each
 * sample so samples of different sizes compare.
 */
export function histogramChart(
  samples: ReadonlyArray<{ name: string; counts: readonly number[]; color?: string }>,
  o: ChartOptions & { lo?: number; hi?: number },
): string {
  const lo = o.lo ?? 0;
  const hi = o.hi ?? 1;
  const shares = samples.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0) || 1;
    return s.counts.map((c) => c / total);
  });
  const yMax = o.yMax ?? niceCeil(Math.max(0.05, ...shares.flat()));
  const f = frame(o, lo, hi, 0, yMax);
  const named = samples.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length] }));
  samples.forEach((s, i) => {
    const n = s.counts.length;
    const w = (hi - lo) / n;
    const color = named[i].color;
    for (let b = 0; b < n; b++) {
      const x0 = f.px(lo + b * w);
      const x1 = f.px(lo + (b + 1) * w);
      const y = f.py(shares[i][b]);
      const h = f.py(0) - y;
      if (h <= 0) continue;
      f.svg.push(
        `<rect x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}" fill-opacity="0.35" stroke="${color}"/>`,
      );
    }
  });
  legend(f, named, o);
  f.svg.push('</svg>');
  return `${f.svg.join('\n')}\n`;
}
