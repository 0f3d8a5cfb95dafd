export const PRODUCT_NAME = 'AI Cost Tracker';
