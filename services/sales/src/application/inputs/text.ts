/**
 * Text with something besides spaces. Anchored, so that the OpenAPI document puts its no-NUL rule in front of it (a
 * pattern that is not anchored would be documented as taking NUL, which the platform refuses).
 */
export const NOT_BLANK = /^\s*\S/;
