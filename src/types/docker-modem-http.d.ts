/** docker-modem's redirect-following HTTP wrapper (no types of its own). */
declare module 'docker-modem/lib/http.js' {
  const http: { maxRedirects: number };
  export default http;
}
