/**
 * availabilitySchema — a data-center design as the availability maths reads it: component groups, each
 * k-of-n identical units (N, N+1, 2N, 2N+1) with one unit's availability or its MTBF and MTTR, combined in
 * series (all groups needed) or in parallel (any one suffices). Read by the `availability.design` query
 * (evaluate a design) and by `availability.design.save` (the student's own design, kept with the lab), so
 * both refuse the same bad value with the same message.
 */
import { s } from './schema';
import type { Infer } from './schema';

export const REDUNDANCY_SCHEMES = ['N', 'N+1', '2N', '2N+1'] as const;
export const DESIGN_COMBINATIONS = ['series', 'parallel'] as const;

export const availabilityGroupSchema = s.object({
  name: s.string({ min: 1, max: 80 }),
  availability: s.optional(s.number({ min: 0, max: 1 })),
  mtbfH: s.optional(s.number({ min: 0.001, max: 1e9 })),
  mttrH: s.optional(s.number({ min: 0, max: 1e6 })),
  need: s.int({ min: 1, max: 64 }),
  scheme: s.oneOf(REDUNDANCY_SCHEMES),
});

export const availabilityDesignSchema = s.object({
  groups: s.array(availabilityGroupSchema, { min: 1, max: 32 }),
  /** How the groups combine: `series` (default: every group needed) or `parallel` (any one suffices). */
  combine: s.optional(s.oneOf(DESIGN_COMBINATIONS)),
});

/** The student's design as the lab keeps it: the design and the virtual time it was saved. */
export const savedDesignSchema = s.object({ design: availabilityDesignSchema, savedAtMs: s.number({ min: 0, max: 1e15 }) });

export type AvailabilityGroup = Infer<typeof availabilityGroupSchema>;
export type AvailabilityDesign = Infer<typeof availabilityDesignSchema>;
