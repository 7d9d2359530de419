/**
 * entitlement — who gives memory back: ESX's min-funding revocation with the idle memory tax
 * (Waldspurger 2002 §5.2). Each VM has an adjusted shares-per-page ratio ρ = S / (P·(f + k(1 − f))),
 * f its active fraction, k = 1/(1 − τ); the VM with the lowest ρ gives the next page, down to its
 * reservation; a VM above its limit gives back the excess first.
 *
 * Interface: `revoke(vms, pages, idleTax)` → pages to reclaim from each VM (same order as `vms`).
 * Rules: τ = 0 is pure shares; τ → 1 lets idle memory go first. Pages move in chunks (1/64 of the
 * request, at least one) so the result is O(VMs × 64), deterministic, ties broken by order.
 */
export interface RevocationInput {
  /** Memory shares (vSphere: 10 per configured MiB at "normal"). */
  shares: number;
  /** Pages the VM holds now. */
  pages: number;
  /** Pages it keeps whatever happens (its reservation). */
  reservedPages: number;
  /** Pages it may hold at most (its limit; Infinity = unlimited). */
  limitPages: number;
  /** Estimated active fraction of its memory, 0..1. */
  activeFraction: number;
}

export function revoke(vms: readonly RevocationInput[], pages: number, idleTax: number): number[] {
  const take = vms.map(() => 0);
  const held = vms.map((v) => v.pages);
  let left = Math.max(0, Math.floor(pages));
  vms.forEach((v, i) => {
    const over = Math.max(0, held[i] - v.limitPages);
    if (over > 0 && left > 0) {
      const n = Math.min(over, left);
      take[i] += n; held[i] -= n; left -= n;
    }
  });
  const k = 1 / (1 - Math.min(0.99, Math.max(0, idleTax)));
  const chunk = Math.max(1, Math.ceil(left / 64));
  while (left > 0) {
    let best = -1;
    let bestRho = Infinity;
    vms.forEach((v, i) => {
      if (held[i] <= v.reservedPages) return;
      const f = Math.min(1, Math.max(0, v.activeFraction));
      const rho = v.shares / (held[i] * (f + k * (1 - f)));
      if (rho < bestRho) { bestRho = rho; best = i; }
    });
    if (best < 0) break;
    const n = Math.min(chunk, left, held[best] - vms[best].reservedPages);
    take[best] += n; held[best] -= n; left -= n;
  }
  return take;
}
