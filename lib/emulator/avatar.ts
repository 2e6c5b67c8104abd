/**
 * Sizes of the `miliaoIcon_<size>` fields of `/user/profile` (protocol §6).
 *
 * @example
 * AVATAR_SIZES.map((size) => `miliaoIcon_${size}`) // ['miliaoIcon_75', …, 'miliaoIcon_orig']
 */
export const AVATAR_SIZES = ['75', '90', '120', '320', 'orig'] as const;

/**
 * The `miliaoIcon*` fields for an avatar URL: `miliaoIcon` is the URL itself, the sized variants put
 * `_<size>` before the file extension, as Xiaomi's CDN names them. A `data:` URL is reused as is.
 *
 * @example
 * avatarFields('https://cdn.example.com/a/u1.jpg')
 * // { miliaoIcon: '…/u1.jpg', miliaoIcon_75: '…/u1_75.jpg', …, miliaoIcon_orig: '…/u1_orig.jpg' }
 */
export function avatarFields(avatar: string): Record<string, string> {
  const fields: Record<string, string> = { miliaoIcon: avatar };
  for (const size of AVATAR_SIZES) fields[`miliaoIcon_${size}`] = sizedUrl(avatar, size);
  return fields;
}

function sizedUrl(avatar: string, size: string): string {
  let url: URL;
  try {
    url = new URL(avatar);
  } catch {
    return avatar;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return avatar;
  const slash = url.pathname.lastIndexOf('/');
  const dir = url.pathname.slice(0, slash + 1);
  const file = url.pathname.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  url.pathname = dot > 0 ? `${dir}${file.slice(0, dot)}_${size}${file.slice(dot)}` : `${dir}${file}_${size}`;
  return url.href;
}
