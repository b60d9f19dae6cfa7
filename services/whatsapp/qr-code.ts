/**
 * Showing a whatsapp-web.js login QR code: in the terminal (printed, as the library's own
 * examples do) and in the console (the module matrix, drawn on a canvas by the page). Both
 * use the `qrcode` package, an optional dependency loaded only when a pilot asks for a login;
 * without it the terminal shows a hint and the console the code as text.
 */

/** The part of the `qrcode` package used here. */
interface QrCodeLibrary {
  create(text: string, options?: { errorCorrectionLevel?: string }): { modules: { size: number; data: ArrayLike<number | boolean> } };
  toString(text: string, options: { type: 'terminal'; small?: boolean }): Promise<string>;
}

let cached: QrCodeLibrary | null | undefined;

function qrLibrary(load: (name: string) => unknown = require): QrCodeLibrary | null {
  if (cached !== undefined) return cached;
  try {
    cached = load('qrcode') as QrCodeLibrary;
  } catch {
    cached = null;
  }
  return cached;
}

/** The QR code as rows of '1' (dark) and '0' (light) modules, or null without the package. */
export function qrMatrix(text: string): string[] | null {
  const lib = qrLibrary();
  if (!lib) return null;
  const { size, data } = lib.create(text, { errorCorrectionLevel: 'L' }).modules;
  const rows: string[] = [];
  for (let y = 0; y < size; y += 1) {
    let row = '';
    for (let x = 0; x < size; x += 1) row += data[y * size + x] ? '1' : '0';
    rows.push(row);
  }
  return rows;
}

/** The QR code for a terminal (block characters), or a hint when the package is missing. */
export async function qrForTerminal(text: string): Promise<string> {
  const lib = qrLibrary();
  if (!lib) return '(install the optional package "qrcode" to see the QR code here; it is also shown to admins in the console)\n';
  return lib.toString(text, { type: 'terminal', small: true });
}
