import type { UnsupportedProbe } from './probe';

/**
 * Cloud-hosted models authenticate with the cloud's own signed requests (AWS SigV4, Azure Entra ID or resource
 * keys bound to a resource endpoint); testing them needs the cloud SDKs, which this server does not ship.
 * Their spend is read from the cloud's cost exports, so the message points there.
 */
export const bedrockProbe: UnsupportedProbe = {
  kind: 'unsupported',
  label: 'Amazon Bedrock',
  message:
    'Amazon Bedrock credentials cannot be tested here (that needs the AWS SDK); import your AWS Cost Explorer or Cost and Usage Report CSV, or send per-request usage to the ingest API.',
};

export const azureOpenAiProbe: UnsupportedProbe = {
  kind: 'unsupported',
  label: 'Azure OpenAI',
  message:
    'Azure OpenAI credentials cannot be tested here (that needs the Azure SDK and your resource endpoint); import your Azure Cost Management export CSV, or send per-request usage to the ingest API.',
};
