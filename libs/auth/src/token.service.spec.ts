import { Role } from './role';
import { TokenService } from './token.service';

describe('TokenService', () => {
  const actor = { userId: '7', username: 'olga', role: Role.OPERATOR };

  it('verifies its own tokens, repeatedly', () => {
    const tokens = new TokenService('s'.repeat(32), 60);
    const token = tokens.sign(actor);
    expect(tokens.verify(token)).toEqual(actor);
    expect(tokens.verify(token)).toEqual(actor);
  });

  it('refuses tokens signed with another secret, altered or malformed', () => {
    const mine = new TokenService('s'.repeat(32), 60);
    const theirs = new TokenService('t'.repeat(32), 60);
    const token = theirs.sign(actor);
    expect(mine.verify(token)).toBeNull();
    const [h, , sig] = mine.sign(actor).split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: '1', username: 'admin', role: 'ADMIN', exp: 9e9 })).toString('base64url');
    expect(mine.verify(`${h}.${forgedPayload}.${sig}`)).toBeNull();
    expect(mine.verify('not-a-token')).toBeNull();
  });

  it('stops accepting a token once it expired, even after it was verified before', () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    try {
      const tokens = new TokenService('s'.repeat(32), 60);
      const token = tokens.sign(actor);
      expect(tokens.verify(token)).toEqual(actor);
      jest.setSystemTime(new Date('2026-11-22T10:01:01Z'));
      expect(tokens.verify(token)).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
