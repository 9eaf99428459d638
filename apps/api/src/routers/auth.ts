import {
  ZAuthResult,
  ZChangePasswordInput,
  ZIdInput,
  ZLoginInput,
  ZMe,
  ZOk,
  ZSession,
  ZSetupInput,
  ZSetupStatus,
} from '@lifeos/core/schemas';
import { authService } from '@lifeos/core/server';
import { z } from 'zod';
import { clearSessionCookies, cookieNames, setSessionCookies } from '../auth/cookies.js';
import type { Context } from '../trpc/context.js';
import { forgetsCachedCallers, protectedProcedure, publicProcedure, router, sessionProcedure } from '../trpc/init.js';

const authDeps = (ctx: Context) => ({ db: ctx.db, clock: ctx.clock, config: ctx.config.auth, hasher: ctx.hasher });
const clientInfo = (ctx: Context) => ({ ip: ctx.req.ip, userAgent: ctx.req.userAgent });

export const authRouter = router({
  setupStatus: publicProcedure
    .meta({ description: 'Whether the owner account still has to be created' })
    .output(ZSetupStatus)
    .query(({ ctx }) => authService.getSetupStatus(ctx.db, ctx.config.allowSignup)),

  setup: publicProcedure
    .meta({ description: 'Create the first (owner) account and sign in; refused once a user exists' })
    .input(ZSetupInput)
    .output(ZAuthResult)
    .mutation(async ({ ctx, input }) => {
      const session = await authService.setup(authDeps(ctx), input, clientInfo(ctx), ctx.config.allowSignup);
      setSessionCookies(ctx.res, ctx.config, session, ctx.clock.now());
      return { user: session.user };
    }),

  login: publicProcedure
    .meta({ description: 'Sign in with username or email and password' })
    .input(ZLoginInput)
    .output(ZAuthResult)
    .mutation(async ({ ctx, input }) => {
      const session = await authService.login(authDeps(ctx), input, {
        ...clientInfo(ctx),
        deviceToken: ctx.req.cookies[cookieNames(ctx.config).device] ?? null,
      });
      setSessionCookies(ctx.res, ctx.config, session, ctx.clock.now());
      return { user: session.user };
    }),

  refresh: publicProcedure
    // A refresh token used twice revokes its whole session (theft detection): its access tokens end at once too.
    .use(forgetsCachedCallers)
    .meta({ description: 'Rotate the refresh-token cookie and issue a new access token' })
    .output(ZAuthResult)
    .mutation(async ({ ctx }) => {
      const raw = ctx.req.cookies[cookieNames(ctx.config).refresh];
      try {
        const session = await authService.refresh(authDeps(ctx), raw, clientInfo(ctx));
        setSessionCookies(ctx.res, ctx.config, session, ctx.clock.now());
        return { user: session.user };
      } catch (error) {
        clearSessionCookies(ctx.res, ctx.config);
        throw error;
      }
    }),

  logout: publicProcedure
    .use(forgetsCachedCallers)
    .meta({ description: 'End this session' })
    .output(ZOk)
    .mutation(async ({ ctx }) => {
      const names = cookieNames(ctx.config);
      await authService.logout(authDeps(ctx), {
        accessToken: ctx.req.cookies[names.access],
        refreshToken: ctx.req.cookies[names.refresh],
      });
      clearSessionCookies(ctx.res, ctx.config);
      return { ok: true as const };
    }),

  logoutAll: sessionProcedure
    .use(forgetsCachedCallers)
    .meta({ description: 'End every session of this user, this one included' })
    .output(ZOk)
    .mutation(async ({ ctx }) => {
      await authService.logoutAll(ctx, ctx.user.id);
      clearSessionCookies(ctx.res, ctx.config);
      return { ok: true as const };
    }),

  me: protectedProcedure
    .meta({ description: 'Who is calling, and how' })
    .output(ZMe)
    .query(({ ctx }) => ({ ...ctx.user, authMethod: ctx.caller.method, scope: ctx.caller.scope })),

  changePassword: sessionProcedure
    .use(forgetsCachedCallers)
    .meta({ description: 'Change the password; every other session is signed out' })
    .input(ZChangePasswordInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await authService.changePassword(authDeps(ctx), ctx.user.id, ctx.sessionId, input, clientInfo(ctx));
      return { ok: true as const };
    }),

  sessions: router({
    list: sessionProcedure
      .meta({ description: 'Signed-in devices' })
      .output(z.array(ZSession))
      .query(({ ctx }) => authService.listSessions(ctx, ctx.user.id, ctx.sessionId)),
    revoke: sessionProcedure
      .use(forgetsCachedCallers)
      .meta({ description: 'Sign a device out' })
      .input(ZIdInput)
      .output(ZOk)
      .mutation(async ({ ctx, input }) => {
        await authService.revokeSession(ctx, ctx.user.id, input.id);
        return { ok: true as const };
      }),
  }),
});
