/**
 * The text shown on a hovered link: its utilisation and speed ("42 % of 10 Gb/s"). Pure.
 */
export function formatBps(bps: number): string {
  if (!bps) return '';
  const units = ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s'];
  let v = bps;
  let i = 0;
  // compare what is shown: 999,999 b/s reads "1.0 Mb/s", not "1000.0 kb/s"
  while (Number(v.toFixed(1)) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

export function edgeHoverLabel(util: number, speed: number): string {
  const u = util >= 0 ? `${util.toFixed(util < 10 ? 1 : 0)} %` : 'no rate';
  const s = formatBps(speed);
  return s ? `${u} of ${s}` : u;
}

