import { avatarFields } from '../../lib/emulator/avatar';

describe('avatarFields', () => {
  it('derives the sized URLs before the file extension, keeping the query', () => {
    expect(avatarFields('https://cdn.example.com/a/u1.v2.png?t=1')).toEqual({
      miliaoIcon: 'https://cdn.example.com/a/u1.v2.png?t=1',
      miliaoIcon_75: 'https://cdn.example.com/a/u1.v2_75.png?t=1',
      miliaoIcon_90: 'https://cdn.example.com/a/u1.v2_90.png?t=1',
      miliaoIcon_120: 'https://cdn.example.com/a/u1.v2_120.png?t=1',
      miliaoIcon_320: 'https://cdn.example.com/a/u1.v2_320.png?t=1',
      miliaoIcon_orig: 'https://cdn.example.com/a/u1.v2_orig.png?t=1',
    });
  });

  it('appends the size to a file name without extension', () => {
    expect(avatarFields('http://cdn.example.com/avatar/u1').miliaoIcon_90).toBe('http://cdn.example.com/avatar/u1_90');
  });

  it('reuses a data: URL for every size', () => {
    const data = 'data:image/svg+xml,%3Csvg%2F%3E';
    expect(new Set(Object.values(avatarFields(data)))).toEqual(new Set([data]));
  });
});
