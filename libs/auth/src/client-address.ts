/**
 * The header in which the gateway hands a subgraph the address of the client that called it. The
 * gateway always sets it from the connection (whatever the client sent), so a subgraph behind it
 * can count by address (the login throttle); a caller that reaches a subgraph directly is counted
 * by its own connection.
 */
export const CLIENT_ADDRESS_HEADER = 'x-mes-client-address';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}

/** The calling client's address: the gateway's header, else the connection's own address. */
export function clientAddressOf(req: RequestLike | undefined): string {
  const forwarded = req?.headers[CLIENT_ADDRESS_HEADER];
  const address = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req?.socket?.remoteAddress ?? 'unknown';
  return address.trim().slice(0, 64) || 'unknown';
}
