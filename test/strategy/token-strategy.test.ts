import { MAX_SECRET_LENGTH } from '../../lib/errors/redact';
import { MAX_TOKEN_LENGTH, tokenShapeProblem } from '../../lib/protocol/token-fields';

describe('the token shape MiAccountTokenStrategy checks before any call (lib/protocol/token-fields)', () => {
  it('accepts nothing longer than redaction handles, so a presented value never sets the cost of redacting it', () => {
    expect(MAX_TOKEN_LENGTH).toBeLessThanOrEqual(MAX_SECRET_LENGTH);
    expect(tokenShapeProblem('access_token', 'a'.repeat(MAX_TOKEN_LENGTH))).toBeUndefined();
    expect(tokenShapeProblem('access_token', 'a'.repeat(MAX_TOKEN_LENGTH + 1))).toMatch(
      /^access_token is not a Mi Account token/,
    );
  });
});
