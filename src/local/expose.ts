// The local demo and the stand-in show every sign-in link (the outbox) and open any fan's billing portal
// (the stand-in's dashboard), so they listen on loopback only. Another address needs an explicit
// `--unsafe-expose`, and even then the startup text says what that means.

/** 127.0.0.0/8, ::1 and `localhost`: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** A message saying why `host` is refused, or undefined if it may be used. */
export function refuseHost(host: string, unsafeExpose: boolean, command: string): string | undefined {
  if (isLoopback(host) || unsafeExpose) return undefined;
  return (
    `Refusing to listen on ${host}: the local outbox and Stripe stand-in show every sign-in link and open any fan's ` +
    `billing portal, so anyone who can reach ${host} could sign in as any fan. They listen on 127.0.0.1 (this machine ` +
    `only) by default. If you really mean it (a throwaway machine, a trusted network), run: ${command} --host ${host} --unsafe-expose`
  );
}

export function exposedWarning(host: string): string {
  return `  WARNING: listening on ${host} (--unsafe-expose): anyone who can reach this address can read the outbox's sign-in links and open any fan's billing portal.`;
}
