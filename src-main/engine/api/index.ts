/**
 * api — the contract's server side: `dispatch(lab, request)` validates and routes every command and
 * query to its handler (handlers/), `labDocument.ts` keeps the open lab's document state (name, unsaved
 * changes) and saves and opens labs through the lab library port, and `toDto.ts` turns internal objects into the contract's DTOs.
 * The door other engine folders import.
 */
export { dispatch, insideLab, type CommandHandlers, type QueryHandlers, type Outcome, type HandlerContext } from './dispatcher';
export { ChangeFeed } from './changeFeed';
export { LabDocument } from './labDocument';
export { hostToDto, inventoryToDto, vmToDto } from './toDto';
