/** The Feldera API version Sluice implements, reported as the platform version. */
export const PLATFORM_VERSION = '0.312.0';
