/**
 * Linear-Gaussian dynamics fitting with a Gaussian-mixture, normal-inverse-Wishart prior, and the GMM policy prior.
 *
 * @packageDocumentation
 */
