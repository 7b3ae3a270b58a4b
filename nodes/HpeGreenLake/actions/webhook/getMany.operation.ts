import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listWebhooks } from '../../../shared/events/webhooksApi';
import type { OperationContext } from '../common';
import { limitProperty, readPaging, returnAllProperty, toItems } from '../common';
import { eventsApiOf } from './fields';

const properties: INodeProperties[] = [returnAllProperty, limitProperty];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['getMany'] } }, properties);

/** The workspace's webhooks, newest first (secrets are never returned by GreenLake). */
export async function execute(ctx: OperationContext, itemIndex: number) {
	return toItems(await listWebhooks(eventsApiOf(ctx, itemIndex), readPaging(ctx, itemIndex)), itemIndex);
}

export const getMany = { description, execute };
