// npx s117 reminders: emails each keyworker and s117 lead their people's reviews due within 14
// days and overdue (and approvals waiting), through the SMTP server in SMTP_URL. Meant to run daily.
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { todayInLondon } from '../domain/dates.ts';
import { reminderEmail } from '../services/reminders/reminders-service.ts';
import type { Services } from '../services/index.ts';

export async function sendReminders(services: Services, config: Config, log: (line: string) => void = console.log): Promise<number> {
  if (!config.mail.smtpUrl) throw new Error('SMTP_URL must be set (smtp://host:port) to send reminders');
  const transport = nodemailer.createTransport(config.mail.smtpUrl);
  const today = todayInLondon();
  try {
    const reminders = await services.reminders.plan();
    log(`Sending ${reminders.length} reminder email${reminders.length === 1 ? '' : 's'}`);
    let sent = 0;
    let failed = 0;
    const people = new Set<string>();
    for (const [index, reminder] of reminders.entries()) {
      const email = reminderEmail(reminder, config.mail.publicUrl, today);
      try {
        await transport.sendMail({ from: config.mail.from, to: reminder.to.email, subject: email.subject, text: email.text });
        sent += 1;
        for (const r of reminder.reviews) people.add(r.personId);
        log(`  ${index + 1}/${reminders.length} sent to ${reminder.to.email} (${reminder.kind}: ${reminder.reviews.length} reviews, ${reminder.pendingApprovals.length} approvals)`);
      } catch (error) {
        failed += 1;
        log(`  ${index + 1}/${reminders.length} FAILED for ${reminder.to.email}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    await services.reminders.recordRun(sent, failed, people.size);
    log(`Reminders: ${sent} sent, ${failed} failed, ${people.size} people with reviews due or overdue`);
    return failed > 0 ? 1 : 0;
  } finally {
    transport.close();
  }
}
