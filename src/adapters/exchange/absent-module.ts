/**
 * Stands in for modules ccxt's base class imports only for exchanges and runtimes we do not use
 * (protobufjs for mexc/dydx, undici for Node): wrangler.toml's [alias] points them here, and nothing
 * from them runs for Binance.
 */
export default Object.freeze({});
