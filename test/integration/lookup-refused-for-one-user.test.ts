import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { runResyncUser } from '../../jobs/resync-user';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { rawCursor } from '../helpers/app';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';

/**
 * A WFM whose filter parser cannot take one user's value (SCIMMY 1.3 answers 400 invalidFilter to
 * an escaped quote, though RFC 7644 §3.4.2.2 allows it): that user fails with the reason, and the
 * others are written. Not found by its lookup, it could not be told from a new user, so it is
 * never created.
 */
describe.each([['lookup'], ['list']])('WFM_READ_MODE=%s, a WFM that cannot look one user up', (mode) => {
  let quirky: QuirkyApp;
  const quoted = `o"quote@example.com`;
  let quotedId = '';
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 12, seed: 7 }, { noEscapedQuotes: true }, { WFM_READ_MODE: mode });
    const { h } = quirky;
    const user = h.okta.state.insertRawUser({ profile: { login: quoted, email: quoted, firstName: 'Quote', lastName: 'Mark' } });
    h.okta.state.assignUserToApp(h.okta.appId, user.id);
    quotedId = user.id;
  });
  afterAll(() => quirky.close());

  const others = () => inScopeUsers(quirky.h.okta.state, quirky.h.okta.appId).filter((u) => u.id !== quotedId);

  if (mode === 'lookup') {
    it('a full sync fails that user with the reason, writes the others, and creates nothing for it', async () => {
      const { report, fatal } = await runFullSync(quirky.app.deps);
      expect(fatal).toBeUndefined();
      expect(report.failed).toEqual([
        expect.objectContaining({ oktaId: quotedId, userName: quoted, action: 'read', kind: 'invalid', error: expect.stringMatching(/^the WFM refused looking this user up: WFM SCIM GET \/Users answered 400 \(invalidFilter\)/) as unknown }),
      ]);
      expect(report.applied.create).toBe(others().length);
      expect([...quirky.wfm.users.values()].filter((u) => u.externalId === quotedId)).toEqual([]);
    });
    it('a resync of that user alone fails that user: a plain search still answers, so the WFM searches', async () => {
      const { report, fatal } = await runResyncUser(quirky.app.deps, { user: quoted });
      expect(fatal).toBeUndefined();
      expect(report.failed).toEqual([expect.objectContaining({ oktaId: quotedId, action: 'read', error: expect.stringMatching(/^the WFM refused looking this user up: .*400/) as unknown })]);
    });

    it('a run whose every lookup is refused, and a plain search too, stops: the search is broken, not the users', async () => {
      const [user] = others();
      if (!user) throw new Error('no user');
      const refused = { status: 400, contentType: 'application/scim+json', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'search is down' }) };
      const empty = { status: 200, contentType: 'application/scim+json', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }) };
      // The user's externalId search finds nothing, its userName search is refused, and so is the plain one.
      quirky.wfm.quirks.next.push(empty, refused, refused);
      const { fatal } = await runResyncUser(quirky.app.deps, { user: user.login });
      expect(fatal).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^the WFM refused every user's lookup, and a search for a plain userName too: .*400 \(invalidFilter\): search is down/) as unknown });
      expect(quirky.wfm.quirks.next).toEqual([]);
    });
  } else {
    it('a full sync reads the listing: everyone is written, that user too', async () => {
      const { report, fatal } = await runFullSync(quirky.app.deps);
      expect(fatal).toBeUndefined();
      expect(report.failed).toEqual([]);
      expect(report.applied.create).toBe(others().length + 1);
    });
  }

  it('an incremental run (per-user lookups in either mode) writes the other changed users; that one fails unless its externalId finds it', async () => {
    const [other] = others();
    if (!other) throw new Error('no other user');
    const { h } = quirky;
    // The first incremental run, with no cursor yet, is a full sync: it starts the cursor.
    expect((await runIncrementalSync(quirky.app.deps)).fatal).toBeUndefined();
    h.okta.state.updateProfile(other.id, { lastName: 'Changed' });
    h.okta.state.updateProfile(quotedId, { lastName: 'Changed too' });
    const { report, fatal } = await runIncrementalSync(quirky.app.deps);
    expect(fatal).toBeUndefined();
    expect([...quirky.wfm.users.values()].find((u) => u.externalId === other.id)).toMatchObject({ name: { familyName: 'Changed' } });
    if (mode === 'lookup') {
      // Never created, it is looked up by its userName too, which the WFM cannot parse.
      expect(report.applied.update).toBe(1);
      expect(report.failed).toEqual([expect.objectContaining({ oktaId: quotedId, action: 'read', error: expect.stringMatching(/^the WFM refused looking this user up/) as unknown })]);
      expect([...quirky.wfm.users.values()].filter((u) => u.externalId === quotedId)).toEqual([]);
    } else {
      // Created by the listing's run, it is found by its externalId, and updated.
      expect(report.applied.update).toBe(2);
      expect(report.failed).toEqual([]);
    }
  });

  if (mode === 'lookup') {
    it('an incremental run whose one change is that user fails that user, not the run, and its cursor moves on', async () => {
      const before = await rawCursor(quirky.h);
      quirky.h.okta.state.updateProfile(quotedId, { lastName: 'Changed again' });
      const { report, fatal } = await runIncrementalSync(quirky.app.deps);
      expect(fatal).toBeUndefined();
      expect(report.failed).toEqual([expect.objectContaining({ oktaId: quotedId, action: 'read' })]);
      expect(await rawCursor(quirky.h)).not.toBe(before);
    });
  }
});
