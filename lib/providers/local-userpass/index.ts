/** The email/password provider (docs/providers.md): register and log in; confirm and reset have their own modules. */
export { logInWithPassword } from './login';
export { registerUser } from './register';
