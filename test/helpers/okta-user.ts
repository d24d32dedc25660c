import type { OktaUser } from '../../sync/types';

export function oktaUser(overrides: Partial<OktaUser> & { profile?: Record<string, unknown> } = {}): OktaUser {
  return {
    id: overrides.id ?? '00u1',
    status: overrides.status ?? 'ACTIVE',
    groups: overrides.groups ?? [],
    profile: {
      login: 'maria.lopez@example.com',
      email: 'maria.lopez@example.com',
      firstName: 'Maria',
      lastName: 'Lopez',
      ...overrides.profile,
    },
  };
}
