// Placeholder: the dev panel is built in its own change.
export {};
