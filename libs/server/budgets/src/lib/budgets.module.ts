import { Module } from '@nestjs/common';
import type { Projection } from '@act/server/projections';

/** Scaffold: filled in by the feature work. */
@Module({})
export class BudgetsModule {}

/** The projections this module needs the app to run. */
export const budgetsProjections: readonly Projection[] = [];
