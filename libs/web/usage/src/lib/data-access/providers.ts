const LABELS: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openrouter: 'OpenRouter',
  groq: 'Groq',
  perplexity: 'Perplexity',
  mistral: 'Mistral',
  deepseek: 'DeepSeek',
  gemini: 'Google Gemini',
  xai: 'xAI',
  'azure-openai': 'Azure OpenAI',
  bedrock: 'Amazon Bedrock',
  custom: 'Custom / other',
};

/** `openai` → `OpenAI`; an id we do not know is shown as is. */
export function providerLabel(provider: string | null | undefined): string {
  if (!provider) return 'Unknown provider';
  return LABELS[provider] ?? provider;
}
