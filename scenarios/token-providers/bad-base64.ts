// Returns a token mangled by URL-encoding: its parts are no longer base64url.
export default async function tokenProvider() {
  return { token: 'eyJhbGciOiJSUzI1NiJ9%3D.eyJzdWIiOiJjMSJ9%3D.c2lnbmF0dXJl%3D' };
}
