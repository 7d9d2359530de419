/**
 * api — the contract's server side: `dispatch(lab, request)` validates and routes every command and
 * query to its handler (handlers/), and `toDto.ts` turns internal objects into the contract's DTOs.
 * The door other engine folders import.
 */
export { dispatch, insideLab, type CommandHandlers, type QueryHandlers, type Outcome, type HandlerContext } from './dispatcher';
export { ChangeFeed } from './changeFeed';
export { hostToDto, inventoryToDto, vmToDto } from './toDto';
