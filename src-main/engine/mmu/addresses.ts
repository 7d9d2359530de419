/**
 * addresses — branded address and frame-number types: guest virtual (Gva), guest physical (Gpa),
 * host physical (Hpa), and page/frame numbers (Gpfn, Hfn).
 *
 * Interface: the types, constructors `gva(n)`, `gpa(n)`, `hpa(n)`, `gpfn(n)`, `hfn(n)`, and
 * `pageOf` / `offsetIn` helpers. Values are unsigned 32-bit numbers at rest.
 * Rules: the brands exist only for the type checker (zero cost at run time); hot paths use
 * plain int32 arithmetic and convert at API boundaries. Under nested paging the
 * distinction Gpa vs Hpa is what keeps the two walk dimensions apart.
 */
import { PAGE_SHIFT } from '../params';

export type Gva = number & { readonly __brand: 'Gva' };
export type Gpa = number & { readonly __brand: 'Gpa' };
export type Hpa = number & { readonly __brand: 'Hpa' };
/** Guest-physical frame number (Gpa >>> 12). */
export type Gpfn = number & { readonly __brand: 'Gpfn' };
/** Host frame number (Hpa >>> 12) — an index into HostMemory. */
export type Hfn = number & { readonly __brand: 'Hfn' };

export const gva = (n: number): Gva => (n >>> 0) as Gva;
export const gpa = (n: number): Gpa => (n >>> 0) as Gpa;
export const hpa = (n: number): Hpa => (n >>> 0) as Hpa;
export const gpfn = (n: number): Gpfn => (n >>> 0) as Gpfn;
export const hfn = (n: number): Hfn => (n >>> 0) as Hfn;

export const gpfnOf = (a: Gpa): Gpfn => (a >>> PAGE_SHIFT) as Gpfn;
export const hfnOf = (a: Hpa): Hfn => (a >>> PAGE_SHIFT) as Hfn;
export const offsetIn = (a: number): number => a & ((1 << PAGE_SHIFT) - 1);
