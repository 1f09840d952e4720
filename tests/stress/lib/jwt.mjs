// HS256 tokens in the shape the back office (Supabase) issues, minted with the test server's
// secret, and the broken ones the abuse sweep sends (expired, wrong signature, alg none).
import { createHmac } from 'node:crypto';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function sign(secret, claims, header = { alg: 'HS256', typ: 'JWT' }) {
  const head = `${b64url(header)}.${b64url(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function claimsFor(subject, role, expiresInS) {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: 'authenticated', iat: now, exp: now + expiresInS, sub: subject,
    role: 'authenticated', app_metadata: { nnw_role: role },
  };
}

/** A valid token for `subject` with `role` (member, admin, service), living 12 hours. */
export const token = (secret, subject, role = 'member') => sign(secret, claimsFor(subject, role, 43200));

/** The broken variants of a member token: each must be refused with 401. */
export function brokenTokens(secret, subject) {
  const valid = token(secret, subject);
  const [h, p] = valid.split('.');
  return {
    expired: sign(secret, claimsFor(subject, 'member', -3600)),
    wrong_signature: sign('x'.repeat(48), claimsFor(subject, 'member', 3600)),
    tampered_claims: `${h}.${b64url(claimsFor(subject, 'admin', 3600))}.${valid.split('.')[2]}`,
    alg_none: `${b64url({ alg: 'none', typ: 'JWT' })}.${p}.`,
    alg_hs512: sign(secret, claimsFor(subject, 'member', 3600), { alg: 'HS512', typ: 'JWT' }),
    unknown_role: sign(secret, claimsFor(subject, 'root', 3600)),
    no_subject: sign(secret, { ...claimsFor(subject, 'member', 3600), sub: undefined }),
    garbage: 'not.a.token',
    sql: "' OR '1'='1",
  };
}
