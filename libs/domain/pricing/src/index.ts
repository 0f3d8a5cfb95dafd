/** Prices and the cost engine (work in progress). */
export {};
