/**
 * VRRP priorities of the postgres nodes' Keepalived instances, by the node's place in name order: distinct,
 * so that the election is deterministic, and within 1..254 (255 is the address owner's; Keepalived replaces
 * anything else by 100, which would tie with the first node). 100, 99, ... for up to 100 nodes; 254, 253, ...
 * for more, up to MAX_VRRP_NODES.
 */
export const MAX_VRRP_NODES = 254;

export function vrrpPriority(index: number, count: number): number {
  return (count <= 100 ? 100 : MAX_VRRP_NODES) - index;
}
