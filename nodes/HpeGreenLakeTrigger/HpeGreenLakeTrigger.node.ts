import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { MAIN_CONNECTION } from '../shared/connectionTypes';
import { searchTenants } from '../shared/methods/listSearch';
import { pollAuditLogs } from './trigger/pollAuditLogs';
import { triggerProperties } from './trigger/trigger.description';

export class HpeGreenLakeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HPE GreenLake Trigger',
		name: 'hpeGreenLakeTrigger',
		icon: { light: 'file:../../icons/greenlake.svg', dark: 'file:../../icons/greenlake.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"New audit log event" + ($parameter["workspaceScope"] === "tenant" ? " (MSP tenant)" : "")}}',
		description: 'Starts the workflow when new events appear in the HPE GreenLake audit log (polling)',
		defaults: { name: 'HPE GreenLake Trigger' },
		polling: true,
		inputs: [],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'hpeGreenLakeApi', required: true }],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchTenants },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollAuditLogs.call(this);
	}
}
