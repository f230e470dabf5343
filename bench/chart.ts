import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as echarts from 'echarts';
import { chromium } from 'playwright-core';
import { findChromium } from '../harness/chromium.js';

/**
 * The ratio chart in BENCHMARKS.md: ECharts renders an SVG server-side (no DOM), Debian's chromium
 * (the one the browser tests drive through playwright-core) turns it into the committed PNG.
 * Why these two: docs/decisions.md, "Benchmark chart".
 */

export interface ChartRatio {
  label: string;
  value: number;
  target?: number;
}

const MET = '#2e7d32';
const MISSED = '#c62828';
const UNTARGETED = '#757575';

/** The chart as an SVG string (pure: ECharts' server-side renderer). */
export function ratioChartSvg(ratios: readonly ChartRatio[], opts: { title: string; width?: number }): string {
  const width = opts.width ?? 1000;
  const height = 110 + 56 * ratios.length;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const colour = (r: ChartRatio) => (r.target === undefined ? UNTARGETED : r.value >= r.target ? MET : MISSED);
  const max = Math.max(1.5, ...ratios.map((r) => Math.max(r.value, r.target ?? 0))) * 1.15;
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: { text: opts.title, left: 'center', textStyle: { fontSize: 15 } },
    legend: { bottom: 0, data: ['ratio (median / median)', 'target'] },
    // The dashed line at 1x is parity; the black marks are the targets.
    grid: { left: 420, right: 70, top: 45, bottom: 55 },
    xAxis: { type: 'value', min: 0, max: Number(max.toFixed(1)), axisLabel: { formatter: '{value}x' } },
    yAxis: { type: 'category', inverse: true, data: ratios.map((r) => r.label), axisLabel: { width: 330, overflow: 'break', lineHeight: 15 } },
    series: [
      {
        name: 'ratio (median / median)',
        type: 'bar',
        color: UNTARGETED,
        barWidth: 22,
        // The exact value: rounding here and again in the label could print 0.97x for the report's 0.98x.
        data: ratios.map((r) => ({ value: r.value, itemStyle: { color: colour(r) } })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => `${p.value.toFixed(2)}x` },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: '#000', type: 'dashed' }, label: { show: false }, data: [{ xAxis: 1 }] },
      },
      {
        name: 'target',
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [4, 34],
        itemStyle: { color: '#000' },
        data: ratios.map((r) => (r.target === undefined ? null : [r.target, r.label])),
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Renders the SVG to a PNG file with headless chromium. */
export async function svgToPng(svg: string, file: string): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("the chart needs Debian's chromium (/usr/bin/chromium): `apt-get install -y chromium`, or run the browser tests once (they install it)");
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    mkdirSync(dirname(file), { recursive: true });
    await page.locator('svg').first().screenshot({ path: file });
  } finally {
    await browser.close();
  }
}
