import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/** Sends plain-text mail through Amazon SES; the client is built once. */
export function createSesSender(options: { region: string; from: string }) {
  const client = new SESv2Client({ region: options.region });
  return async (mail: { to: string; subject: string; text: string }): Promise<void> => {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: options.from,
        Destination: { ToAddresses: [mail.to] },
        Content: { Simple: { Subject: { Data: mail.subject }, Body: { Text: { Data: mail.text } } } },
      }),
    );
  };
}
