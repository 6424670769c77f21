// Characters people do not see, shared by the prompt (which drops them) and the encoder (which
// drops or marks them). Pure.

/** Bidi controls: they reorder what people see. */
export const BIDI_SOURCE = '[\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]';

/**
 * Other invisible format characters: zero-width, joiners, soft hyphen, fillers, Mongolian
 * selectors, invisible operators, deprecated format characters, BOM, interlinear annotations,
 * variation selectors (also the supplement, used to smuggle text), tag characters, musical
 * formatting.
 */
export const INVISIBLE_SOURCE =
  '[\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2064\\u206A-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF9-\\uFFFB]|\\uDB40[\\uDC00-\\uDDEF]|\\uD834[\\uDD73-\\uDD7A]';

/** C0 controls but tab, newline and carriage return; DEL; C1 controls. */
export const CONTROL_SOURCE = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]';
