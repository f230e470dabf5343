import { describe, expect, it } from 'vitest';
import { ratioChartSvg } from '../../../bench/chart.js';

describe('bench ratio chart', () => {
  it('renders every ratio, its value and the colour of met / missed / untargeted as SVG', () => {
    const svg = ratioChartSvg(
      [
        { label: 'produce: ours / theirs', value: 1.25, target: 1 },
        { label: 'peer: ours / theirs', value: 0.5, target: 1.2 },
        { label: 'produce: e2e / theirs', value: 0.9 },
      ],
      { title: 'ratios' },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['produce: ours / theirs', 'peer: ours / theirs', '1.25x', '0.50x', '0.90x', 'ratios']) expect(svg).toContain(text);
    for (const colour of ['#2e7d32', '#c62828', '#757575']) expect(svg.toLowerCase()).toContain(colour);
  });
});
