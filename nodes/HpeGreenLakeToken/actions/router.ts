import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputMode, TokenOperation } from '../descriptions/token.description';
import type { RunState } from './common';
import { asNodeError, createRunState } from './common';
import * as generateToken from './generateToken.operation';
import * as inspectCachedToken from './inspectCachedToken.operation';

type Operation = (this: IExecuteFunctions, itemIndex: number, run: RunState) => Promise<IDataObject>;

const operations: Record<TokenOperation, Operation> = {
	generateToken: generateToken.execute,
	inspectCachedToken: inspectCachedToken.execute,
};

/**
 * Runs the operation once for the whole execution (parameters of item 0; the output item is paired with every input
 * item, as n8n's aggregating nodes do) or once per input item (each output paired with its input). With Continue On
 * Fail, each failed run yields one `{ error }` item paired like its successful output would be.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as TokenOperation;
	const run = operations[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
	}
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const mode: OutputMode = options.output === 'perItem' ? 'perItem' : 'once';

	const allInputs: IPairedItemData[] = items.length > 0 ? items.map((_, item) => ({ item })) : [{ item: 0 }];
	const runs = mode === 'perItem' ? allInputs.map((paired) => paired.item) : [0];
	const state = createRunState();
	const returnData: INodeExecutionData[] = [];

	for (const itemIndex of runs) {
		const pairedItem = mode === 'perItem' ? { item: itemIndex } : allInputs;
		try {
			const json = await run.call(this, itemIndex, state);
			returnData.push({ json, pairedItem });
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (this.continueOnFail()) {
				returnData.push({ json: { error: nodeError.message }, pairedItem });
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}
