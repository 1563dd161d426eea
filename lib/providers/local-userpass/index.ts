/** The email/password provider (README, "Providers"): register and log in; confirm and reset have their own modules. */
export { logInWithPassword } from './login';
export { registerUser } from './register';
