/** The email/password provider (docs/email-password.md): register and log in, the entry the handlers and tests use; confirm and reset have their own modules. */
export { logInWithPassword } from './login';
export { registerUser } from './register';
