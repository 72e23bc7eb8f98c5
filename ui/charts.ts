import { svgEl } from './dom.ts';

export interface Line {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

const width = 600;
const height = 120;

/**
 * A line chart as plain SVG built from the data. Each line's values are also kept on its element
 * (`data-values`, JSON) and the chart's largest value on the SVG (`data-max`): the data the picture
 * was drawn from, readable by a test or an operator's tools.
 */
export function drawLines(svg: SVGSVGElement, lines: readonly Line[]): void {
  const max = Math.max(1, ...lines.flatMap((line) => line.values.filter((value): value is number => value !== null)));
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 14}`);
  svg.dataset['max'] = String(max);
  svg.replaceChildren();
  svg.append(svgEl('line', { x1: '0', y1: String(height), x2: String(width), y2: String(height), class: 'axis' }));
  lines.forEach((line, index) => {
    const step = line.values.length > 1 ? width / (line.values.length - 1) : width;
    const points = line.values.map((value, position) => `${(position * step).toFixed(1)},${(height - ((value ?? 0) / max) * (height - 4)).toFixed(1)}`);
    const polyline = svgEl('polyline', { points: points.join(' '), class: `series series-${index}` });
    polyline.dataset['name'] = line.name;
    polyline.dataset['values'] = JSON.stringify(line.values);
    svg.append(polyline);
  });
  const label = svgEl('text', { x: '2', y: String(height + 12), class: 'chart-label' });
  label.textContent = `max ${Math.round(max * 100) / 100} · ${lines.map((line) => line.name).join(', ')}`;
  svg.append(label);
}
