import { NodeConnectionTypes, type NodeConnectionType } from 'n8n-workflow';

/**
 * The `main` connection type for node descriptions. n8n-workflow before 1.83 (n8n 1.84 and older) has no
 * `NodeConnectionTypes` export: reading `.Main` from it threw when n8n instantiated a node, and n8n then dropped the
 * whole package. The value is the string 'main' in every n8n version.
 */
export const MAIN_CONNECTION: NodeConnectionType = NodeConnectionTypes?.Main ?? 'main';
