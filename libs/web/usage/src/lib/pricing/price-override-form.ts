import { Component, computed, effect, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';
import type { RecomputePreviewDto, RecomputeProgressDto, SetPriceRequestDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { PricesApi } from '../data-access/prices-api';
import { describeError, problemLines } from '../http/problem';
import { utcDay } from '../money/dates';
import { MoneyPipe } from '../money/money-pipe';
import { PRICE_CLASSES, PRICE_PATTERN, PriceClass, overrideRequest, unaffectedVariantsNotice } from './pricing-model';
import { RecomputeProgress } from './recompute-progress';

type Step = 'edit' | 'previewing' | 'previewed' | 'applying' | 'recomputing' | 'done';

/**
 * A workspace price override with its effective date: preview its effect per month and model,
 * apply it, and follow the recompute that turns it into a new cost version.
 */
@Component({
  selector: 'act-price-override-form',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatTableModule, MoneyPipe, ReactiveFormsModule, RecomputeProgress],
  templateUrl: './price-override-form.html',
  styleUrls: ['../ui/page.css', './price-override-form.css'],
})
export class PriceOverrideForm {
  private readonly api = inject(PricesApi);

  readonly workspaceId = input.required<string>();
  readonly provider = input<string | null>(null);
  readonly model = input<string | null>(null);
  /** Emits when the recompute finished and the new cost version is current. */
  readonly applied = output<RecomputeProgressDto>();
  /** Emits when the price was set without a recompute to follow. */
  readonly settled = output<void>();
  /** Apply is for owners and admins; every member may preview. */
  readonly canApply = input(true);

  protected readonly classes = PRICE_CLASSES;
  protected readonly form = new FormGroup({
    provider: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    model: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    effectiveFrom: new FormControl(utcDay(new Date()), { nonNullable: true, validators: [Validators.required] }),
    prices: new FormGroup(
      Object.fromEntries(
        PRICE_CLASSES.map(({ key }) => [key, new FormControl('', { nonNullable: true, validators: [Validators.pattern(PRICE_PATTERN)] })]),
      ) as Record<PriceClass, FormControl<string>>,
    ),
  });

  protected readonly step = signal<Step>('edit');
  protected readonly preview = signal<RecomputePreviewDto | null>(null);
  /** Usage under a dated or versioned id of the model keeps its own price: say so before it is applied. */
  protected readonly variantsNotice = computed(() => {
    const preview = this.preview();
    return preview ? unaffectedVariantsNotice(preview.unaffectedVariants, preview.currency) : null;
  });
  protected readonly recomputeId = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly outcome = signal<string | null>(null);
  protected readonly errorLines = signal<string[]>([]);
  private readonly value = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });
  protected readonly hasPrice = computed(() => Object.values(this.value().prices ?? {}).some((price) => !!price?.trim()));
  protected readonly monthColumns = ['month', 'before', 'after', 'delta', 'rows'];
  protected readonly modelColumns = ['month', 'model', 'before', 'after', 'delta', 'unpriced'];
  private lastRequest: SetPriceRequestDto | null = null;

  constructor() {
    // Picking another model in the catalogue fills the form in.
    effect(() => {
      const provider = this.provider();
      const model = this.model();
      if (provider && model) {
        this.form.patchValue({ provider, model });
        this.reset();
      }
    });
    // A preview is only valid for the exact values it was made for.
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
      if (this.step() === 'previewed' || this.step() === 'done') this.reset();
    });
  }

  protected errorText(key: PriceClass): string {
    return this.form.controls.prices.controls[key].hasError('pattern') ? 'A price like 0.15 (per million tokens).' : '';
  }

  protected async runPreview(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || !this.hasPrice()) return;
    const request = overrideRequest(this.form.getRawValue());
    this.step.set('previewing');
    this.clearError();
    try {
      this.preview.set(await firstValueFrom(this.api.preview(this.workspaceId(), request)));
      this.lastRequest = request;
      this.step.set('previewed');
    } catch (error) {
      this.fail(error, 'The preview could not be computed.');
      this.step.set('edit');
    }
  }

  protected async apply(): Promise<void> {
    const request = this.lastRequest;
    if (!request) return;
    this.step.set('applying');
    this.clearError();
    try {
      // One call sets the price and starts the recompute of the days it changes.
      const started = await firstValueFrom(this.api.recompute(this.workspaceId(), request));
      if (started.recomputeId) {
        this.recomputeId.set(started.recomputeId);
        this.step.set('recomputing');
      } else {
        this.outcome.set(
          started.queuedBehind
            ? 'The price is set. Another recompute is running; this change follows it automatically (see the cost versions below).'
            : 'The price is set. No recorded usage changes, so no new cost version was needed.',
        );
        this.step.set('done');
        this.settled.emit();
      }
    } catch (error) {
      this.fail(error, 'The price could not be applied.');
      this.step.set('previewed');
    }
  }

  protected onDone(progress: RecomputeProgressDto): void {
    this.step.set('done');
    this.applied.emit(progress);
  }

  protected reset(): void {
    this.step.set('edit');
    this.preview.set(null);
    this.recomputeId.set(null);
    this.outcome.set(null);
    this.lastRequest = null;
  }

  private clearError(): void {
    this.error.set(null);
    this.errorLines.set([]);
  }

  private fail(error: unknown, fallback: string): void {
    this.error.set(describeError(error, fallback));
    this.errorLines.set(problemLines(error));
  }
}
