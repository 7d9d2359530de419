/**
 * api — the contract's server side: `dispatch(lab, request)` validates and routes every command and
 * query to its handler (handlers/), and `toDto.ts` turns internal objects into the contract's DTOs.
 * The door other engine folders import.
 */
export { dispatch, type CommandHandlers, type QueryHandlers, type Outcome } from './dispatcher';
export { hostToDto, inventoryToDto, vmToDto } from './toDto';
